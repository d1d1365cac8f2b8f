"""`keyworks create-token USERNAME [--name NAME]`: make a personal API token and print it once."""

from django.core.management.base import BaseCommand, CommandError

from keyworks.orgs.models import User
from keyworks.people.services import create_token


class Command(BaseCommand):
    help = (
        "为用户创建个人 API 令牌并只显示一次 / Create a personal API token for a user; "
        "the token is printed once and only its digest is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="API", help="令牌名称 / a name for the token")

    def handle(self, *args, username, name, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"用户不存在：{username} / No such user: {username}") from None
        if not user.is_active:
            raise CommandError(f"用户已停用：{username} / User is inactive: {username}")
        token, raw = create_token(user, name, by=user)
        self.stderr.write(
            f"已为 {user} 创建令牌“{token.name}”（{token.prefix}…）；请立即保存，之后无法再次查看。"
            f" / Token created; store it now, it cannot be shown again."
        )
        self.stdout.write(raw)
