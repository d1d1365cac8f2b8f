"""`keyworks recompute-measures [--programme CODE]`: compute every stored figure afresh
(reporting.figures), e.g. after data was loaded without the change log."""

from django.core.management.base import BaseCommand, CommandError

from keyworks.ledger.models import Programme
from keyworks.reporting import figures
from keyworks.reporting.measures import default_month


class Command(BaseCommand):
    help = "重新计算已存储的项目指标 / Recompute the stored project figures"

    def add_arguments(self, parser):
        parser.add_argument("--programme", help="只计算一个项目计划（编码）/ one programme only")

    def handle(self, *args, programme=None, **options):
        programmes = Programme.objects.order_by("pk")
        if programme:
            programmes = programmes.filter(code=programme)
            if not programmes.exists():
                raise CommandError(f"没有编码为 {programme} 的项目计划 / No such programme")
        for each in programmes:
            dropped = figures.recompute(each)
            last = default_month(each)
            for number in range(1, last.month + 1):
                figures.rows(each, last.replace(month=number))
            self.stdout.write(
                f"{each.name}：已重算 {last.month} 个月（原有 {dropped} 行）"
                f" / {each.code}: {last.month} months recomputed"
            )
