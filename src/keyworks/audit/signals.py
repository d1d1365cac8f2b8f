"""Sign-ins, sign-outs and failed sign-ins go to the security log (Django's auth signals)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .security import log_event


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs):
    log_event("login", request=request, user=user)


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs):
    if user is not None:
        log_event("logout", request=request, user=user)


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs):
    log_event(
        "login_failed", request=request, username=credentials.get("username", ""), success=False
    )
