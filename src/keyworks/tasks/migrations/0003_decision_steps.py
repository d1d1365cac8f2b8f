from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0002_subject_url_link"),
    ]

    operations = [
        migrations.AlterField(
            model_name="taskevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("issue", "交办"),
                    ("answer", "反馈"),
                    ("accept", "验收办结"),
                    ("return", "退回"),
                    ("edit", "修改"),
                    ("note", "进展情况"),
                ],
                max_length=10,
                verbose_name="事项",
            ),
        ),
    ]
