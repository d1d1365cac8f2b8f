"""`keyworks create-token USERNAME [--name NAME]`: make a personal API token and print it once."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from keyworks.orgs.models import User
from keyworks.people.services import create_token


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse needs text, so it is translated when read
        return _("为用户创建个人 API 令牌并只显示一次（只保存其摘要）")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="API", help=_("令牌名称"))

    def handle(self, *args, username, name, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(_("用户不存在：%(username)s") % {"username": username}) from None
        if not user.is_active:
            raise CommandError(_("用户已停用：%(username)s") % {"username": username})
        token, raw = create_token(user, name, by=user)
        self.stderr.write(
            _("已为 %(user)s 创建令牌“%(name)s”（%(prefix)s…）；请立即保存，之后无法再次查看。")
            % {"user": user, "name": token.name, "prefix": token.prefix}
        )
        self.stdout.write(raw)
