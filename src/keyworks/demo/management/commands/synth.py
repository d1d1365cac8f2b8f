"""`keyworks synth --projects N --seed S`: a reproducible province-scale programme."""

from django.core.management.base import BaseCommand, CommandError

from keyworks.demo.synth import CITY_COUNT, DISTRICT_COUNTS, SynthExistsError, build_synth


class Command(BaseCommand):
    help = (
        "生成可复现的省级合成计划（用于性能测试）/ Build a reproducible synthetic"
        " province-scale programme for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=1000, help="项目数 / projects")
        parser.add_argument("--seed", type=int, default=1, help="随机种子 / random seed")
        parser.add_argument(
            "--programme", default=None, help="计划代码，默认 synth-<seed> / programme code"
        )
        parser.add_argument(
            "--replace", action="store_true", help="删除同代码计划后重建 / rebuild if it exists"
        )
        parser.add_argument(
            "--months", type=int, default=0,
            help="生成1月至该月的已采纳月报（0–12）/ accepted reports for months 1..N",
        )  # fmt: skip
        parser.add_argument(
            "--problems", type=int, default=0,
            help="生成的问题清单条数（含办理记录）/ problems with their handling history",
        )  # fmt: skip

    def handle(self, *args, **options):
        projects = options["projects"]
        if not 1 <= projects <= 999_999:
            raise CommandError("--projects 应在 1 到 999999 之间 / must be 1..999999")
        if not 0 <= options["months"] <= 12:
            raise CommandError("--months 应在 0 到 12 之间 / must be 0..12")
        if options["problems"] < 0:
            raise CommandError("--problems 不能为负数 / must not be negative")
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
        counts = ", ".join(f"{k} {v}" for k, v in sorted(result.created.items()))
        self.stdout.write(
            f"{programme.name} ({programme.code}): {CITY_COUNT} 市 / cities, "
            f"{sum(DISTRICT_COUNTS)} 县(市、区) / districts, {projects} 项目 / projects"
        )
        self.stdout.write(f"已创建 / Created: {counts}")
        self.stdout.write(
            f"用时 / Took {result.seconds:.1f} s. 账号 / Accounts: {programme.code}-office, "
            f"{programme.code}-leader, {programme.code}-tf00001…, 密码同演示 / demo password"
        )
