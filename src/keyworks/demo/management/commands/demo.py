"""`keyworks demo`: migrate, load the demo programme if missing, list the accounts, serve."""

import os
import unicodedata

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from keyworks.demo import data
from keyworks.demo.activity import load_demo_activity
from keyworks.demo.loader import (
    DemoConflictError,
    demo_accounts,
    load_demo,
    load_demo_boundaries,
)
from keyworks.ledger.models import Programme

GROUPS = [
    ("office", "指挥部办公室 / programme office"),
    ("leader", "指挥部领导 / leaders"),
    ("inspector", "督导 / inspectors"),
    ("taskforce", "项目专班 / task forces (按台账序号 / by ledger number)"),
    ("district", "县(市、区) / districts and counties"),
    ("department", "职能部门 / departments"),
]


def pad(text: str, width: int) -> str:
    """Left-align `text` in `width` terminal columns (CJK characters take two)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 1)


def default_port() -> int:
    raw = os.environ.get("PORT") or "8000"
    try:
        return int(raw)
    except ValueError:
        raise CommandError(f"PORT 应为数字，而不是 {raw!r} / PORT must be a number") from None


class Command(BaseCommand):
    help = "运行演示：迁移数据库、加载演示计划并启动服务 / Run the demo: migrate, load, serve."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-serve", action="store_true", help="只准备数据，不启动服务 / Prepare only"
        )
        parser.add_argument("--port", type=int, default=None, help="端口 / port (env PORT, 8000)")
        parser.add_argument("--host", default="127.0.0.1", help="监听地址 / address to bind")

    def handle(self, *args, **options):
        port = options["port"] if options["port"] is not None else default_port()
        host = options["host"]
        verbosity = options["verbosity"]

        self.stdout.write("数据库迁移 / Migrating the database…")
        call_command(
            "migrate", interactive=False, verbosity=max(verbosity - 1, 0), stdout=self.stdout
        )

        programme = Programme.objects.filter(code=data.PROGRAMME["code"]).first()
        if programme is None:
            try:
                result = load_demo()
            except DemoConflictError as exc:
                raise CommandError(str(exc)) from exc
            programme = result.programme
            counts = ", ".join(f"{k} {v}" for k, v in sorted(result.created.items()))
            self.stdout.write(f"已加载演示数据 / Demo data loaded: {counts}")
        elif not programme.is_demo:
            raise CommandError(
                f"计划代码 {programme.code} 已被非演示计划使用 / Programme code {programme.code}"
                " belongs to a non-demo programme"
            )
        else:
            self.stdout.write("演示数据已存在，未改动 / Demo data already present, left unchanged")
            added = load_demo_activity(programme)
            if added:
                counts = ", ".join(f"{k} {v}" for k, v in sorted(added.items()))
                self.stdout.write(f"已补充演示月报与问题 / Demo activity added: {counts}")
        self.stdout.write(load_demo_boundaries())

        display_host = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host
        if ":" in display_host:
            display_host = f"[{display_host}]"
        login_url = f"http://{display_host}:{port}/login/"
        self._print_accounts(programme, login_url)

        if options["no_serve"]:
            return
        self._allow_plain_http(host)
        bind = f"[{host}]" if ":" in host else host
        # runserver's own banner would push the login lines off the end; errors and the
        # request log still reach the terminal through stderr.
        with open(os.devnull, "w") as quiet:
            call_command("runserver", f"{bind}:{port}", use_reloader=False, stdout=quiet)

    def _print_accounts(self, programme, login_url: str) -> None:
        password = settings.DEMO_PASSWORD
        write = self.stdout.write
        write("")
        write(
            f"{programme.name}（{programme.code}，{programme.projects.count()} 个项目 / projects）"
        )
        write(data.NOTICE)
        write("")
        write(f"登录地址 / Log in at: {login_url}")
        write(f"演示账号 / Demo accounts — 密码 / password: {password}")
        accounts = demo_accounts()
        for group, title in GROUPS:
            write(f"  {title}")
            for account in (a for a in accounts if a.group == group):
                detail = account.detail
                if account.project_seq is not None:
                    detail = f"{account.project_seq:>2}. {detail}"
                write(f"    {pad(account.username, 11)}{pad(account.full_name, 8)}{detail}")
        write(
            f"登录 / Log in: {login_url}  用户名见上 / user names above, "
            f"密码 / password: {password}"
        )

    def _allow_plain_http(self, host: str) -> None:
        """The demo serves plain HTTP: unless the operator chose cookie security
        explicitly, let the session and CSRF cookies travel without TLS, and accept the
        bound address as a host name."""
        if not os.environ.get("KEYWORKS_SECURE_COOKIES"):
            settings.SESSION_COOKIE_SECURE = False
            settings.CSRF_COOKIE_SECURE = False
        if host not in {"0.0.0.0", "::", ""} and host not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]
