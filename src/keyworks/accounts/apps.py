from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "keyworks.accounts"
    verbose_name = "账号安全 / Account security"

    def ready(self) -> None:
        from . import policy  # noqa: F401  (the session's start, at sign-in)
