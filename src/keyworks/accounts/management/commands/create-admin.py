"""`keyworks create-admin USERNAME --role system|security|audit`: one of the platform's three
administrators (三员分立), with a password typed twice (the platform's rules apply)."""

import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from keyworks.audit.security import log_event
from keyworks.orgs.models import PlatformRole, User


class Command(BaseCommand):
    help = "创建平台管理员（系统、安全、审计管理员） / Create one of the platform's administrators"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=PlatformRole.values)
        parser.add_argument("--full-name", default="")

    def handle(self, *args, username, role, full_name, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"账号已存在：{username} / Account exists")
        user = User(username=username, full_name=full_name, platform_role=role)
        password = getpass.getpass("密码 / Password: ")
        if password != getpass.getpass("再次输入 / Again: "):
            raise CommandError("两次输入的密码不一致 / The passwords differ")
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        user.set_password(password)
        with transaction.atomic():
            user.save()
            log_event("admin_created", user=user, role=role, via="command line")
        self.stdout.write(
            f"已创建{PlatformRole(role).label} {username}，首次登录时须启用动态验证码"
            f" / Created; the second factor is set up at first sign-in"
        )
