"""`keyworks demo`: migrate, load the demo programme if missing, list the accounts, serve."""

import os
import unicodedata

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from keyworks.demo import data
from keyworks.demo.activity import load_demo_activity
from keyworks.demo.counts import describe
from keyworks.demo.loader import (
    DemoConflictError,
    demo_accounts,
    load_demo,
    load_demo_boundaries,
)
from keyworks.ledger.models import Programme

GROUPS = [
    ("office", pgettext_lazy("demo account group", "指挥部办公室")),
    ("leader", pgettext_lazy("demo account group", "指挥部领导")),
    ("inspector", pgettext_lazy("demo account group", "督导")),
    ("taskforce", pgettext_lazy("demo account group", "项目专班（按台账序号）")),
    ("district", pgettext_lazy("demo account group", "县(市、区)")),
    ("department", pgettext_lazy("demo account group", "职能部门")),
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
        raise CommandError(
            _("环境变量 PORT 应为数字，而不是 %(value)s") % {"value": repr(raw)}
        ) from None


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse wants a str: translated when the parser is built
        return _("运行演示：迁移数据库、加载演示计划并启动服务")

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help=_("只准备数据，不启动服务"))
        parser.add_argument(
            "--port", type=int, default=None, help=_("端口（默认取环境变量 PORT，否则为 8000）")
        )
        parser.add_argument("--host", default="127.0.0.1", help=_("监听地址"))

    def handle(self, *args, **options):
        port = options["port"] if options["port"] is not None else default_port()
        host = options["host"]
        verbosity = options["verbosity"]

        self.stdout.write(_("正在迁移数据库…"))
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
            self.stdout.write(
                _("已加载演示数据：%(counts)s") % {"counts": describe(result.created)}
            )
        elif not programme.is_demo:
            raise CommandError(_("计划代码 %(code)s 已被非演示计划使用") % {"code": programme.code})
        else:
            self.stdout.write(_("演示数据已存在，未改动"))
            added = load_demo_activity(programme)
            if added:
                self.stdout.write(
                    _("已补充演示月报与问题：%(counts)s") % {"counts": describe(added)}
                )
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
        projects = programme.projects.count()
        write(
            ngettext(
                "%(name)s（%(code)s，%(n)s 个项目）",
                "%(name)s（%(code)s，%(n)s 个项目）",
                projects,
            )
            % {"name": programme.name, "code": programme.code, "n": projects}
        )
        write(
            _(
                "演示数据：除公开报道中的项目名称和数字外，金额、日期、代码、人员和电话均为示意；"
                "报道所述2024年在演示中为2025年（日期整体后移一年）。"
            )
        )
        write("")
        write(_("登录地址：%(url)s") % {"url": login_url})
        write(_("演示账号（密码均为 %(password)s）：") % {"password": password})
        accounts = demo_accounts()
        for group, title in GROUPS:
            write(f"  {title}")
            for account in (a for a in accounts if a.group == group):
                detail = account.detail
                if account.project_seq is not None:
                    detail = f"{account.project_seq:>2}. {detail}"
                write(f"    {pad(account.username, 11)}{pad(account.full_name, 8)}{detail}")
        write(
            _("登录：%(url)s  用户名见上，密码：%(password)s")
            % {"url": login_url, "password": password}
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
