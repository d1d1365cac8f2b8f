"""`keyworks synth --projects N --seed S`: a reproducible province-scale programme."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from keyworks.demo.counts import describe
from keyworks.demo.synth import CITY_COUNT, DISTRICT_COUNTS, SynthExistsError, build_synth


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse wants a str: translated when the parser is built
        return _("生成可复现的省级合成计划（用于性能测试）")

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=1000, help=_("生成的项目数"))
        parser.add_argument("--seed", type=int, default=1, help=_("随机种子"))
        parser.add_argument("--programme", default=None, help=_("计划代码，默认 synth-<种子>"))
        parser.add_argument("--replace", action="store_true", help=_("计划代码已存在时删除后重建"))
        parser.add_argument(
            "--months", type=int, default=0, help=_("生成1月至该月的已采纳月报（0–12）")
        )
        parser.add_argument(
            "--problems", type=int, default=0, help=_("生成的问题清单条数（含办理记录）")
        )

    def handle(self, *args, **options):
        projects = options["projects"]
        if not 1 <= projects <= 999_999:
            raise CommandError(_("--projects 应在 1 到 999999 之间"))
        if not 0 <= options["months"] <= 12:
            raise CommandError(_("--months 应在 0 到 12 之间"))
        if options["problems"] < 0:
            raise CommandError(_("--problems 不能为负数"))
        try:
            result = build_synth(
                projects=projects,
                seed=options["seed"],
                code=options["programme"],
                replace=options["replace"],
                months=options["months"],
                problems=options["problems"],
            )
        except SynthExistsError as exc:
            raise CommandError(str(exc)) from exc
        programme = result.programme
        self.stdout.write(
            ngettext(
                "计划 %(code)s“%(name)s”：%(cities)s 个市，%(districts)s 个县(市、区)，"
                "%(projects)s 个项目",
                "计划 %(code)s“%(name)s”：%(cities)s 个市，%(districts)s 个县(市、区)，"
                "%(projects)s 个项目",
                projects,
            )
            % {
                "name": programme.name,
                "code": programme.code,
                "cities": CITY_COUNT,
                "districts": sum(DISTRICT_COUNTS),
                "projects": projects,
            }
        )
        self.stdout.write(_("已创建：%(counts)s") % {"counts": describe(result.created)})
        self.stdout.write(
            _(
                "用时 %(seconds).1f 秒。账号：%(code)s-office、%(code)s-leader、"
                "%(code)s-tf00001…，密码与演示相同"
            )
            % {"seconds": result.seconds, "code": programme.code}
        )
