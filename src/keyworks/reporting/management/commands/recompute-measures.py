"""`keyworks recompute-measures [--programme CODE]`: compute every stored figure afresh
(reporting.figures), e.g. after data was loaded without the change log."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.ledger.models import Programme
from keyworks.reporting import figures
from keyworks.reporting.measures import default_month


class Command(BaseCommand):
    help = gettext_lazy("重新计算已存储的项目指标")

    def add_arguments(self, parser):
        parser.add_argument("--programme", help=_("只计算一个项目计划（编码）"))

    def handle(self, *args, programme=None, **options):
        programmes = Programme.objects.order_by("pk")
        if programme:
            programmes = programmes.filter(code=programme)
            if not programmes.exists():
                raise CommandError(
                    _("没有编码为 %(programme)s 的项目计划") % {"programme": programme}
                )
        for each in programmes:
            dropped = figures.recompute(each)
            last = default_month(each)
            for number in range(1, last.month + 1):
                figures.rows(each, last.replace(month=number))
            self.stdout.write(
                _("%(name)s：已重算 %(month)s 个月（原有 %(dropped)s 行）")
                % {"name": each.name, "month": last.month, "dropped": dropped, "code": each.code}
            )
