from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AccountsConfig(AppConfig):
    name = "keyworks.accounts"
    verbose_name = gettext_lazy("账号安全")

    def ready(self) -> None:
        from . import policy  # noqa: F401  (the session's start, at sign-in)
