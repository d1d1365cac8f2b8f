"""`keyworks create-admin USERNAME --role system|security|audit`: one of the platform's three
administrators (三员分立), with a password typed twice (the platform's rules apply)."""

import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.audit.security import log_event
from keyworks.orgs.models import PlatformRole, User


class Command(BaseCommand):
    help = gettext_lazy("创建平台管理员（系统、安全、审计管理员）")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=PlatformRole.values)
        parser.add_argument("--full-name", default="")

    def handle(self, *args, username, role, full_name, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(_("账号已存在：%(username)s") % {"username": username})
        user = User(username=username, full_name=full_name, platform_role=role)
        password = getpass.getpass(_("密码："))
        if password != getpass.getpass(_("再次输入：")):
            raise CommandError(_("两次输入的密码不一致"))
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        user.set_password(password)
        with transaction.atomic():
            user.save()
            log_event("admin_created", user=user, role=role, via="command line")
        self.stdout.write(
            _("已创建%(label)s %(username)s，首次登录时须启用动态验证码")
            % {"label": PlatformRole(role).label, "username": username}
        )
