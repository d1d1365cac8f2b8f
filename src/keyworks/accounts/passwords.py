"""The password rule of GB/T 22239 身份鉴别: long enough, of several kinds of character, not
the user's own name, not a common password (Django's validators do the last two)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CLASSES = (
    (gettext_lazy("小写字母"), str.islower),
    (gettext_lazy("大写字母"), str.isupper),
    (gettext_lazy("数字"), str.isdigit),
    (gettext_lazy("符号"), lambda c: not c.isalnum()),
)


class CharacterClassesValidator:
    """At least `min_classes` of: lower-case letters, upper-case letters, digits, symbols
    (anything else, Chinese characters included)."""

    def __init__(self, min_classes: int | None = None) -> None:
        self.min_classes = min_classes or settings.PASSWORD_MIN_CLASSES

    def validate(self, password: str, user=None) -> None:
        used = [name for name, test in CLASSES if any(test(c) for c in password)]
        if len(used) < self.min_classes:
            raise ValidationError(
                _(
                    "密码须包含小写字母、大写字母、数字、符号中的至少 %(min_classes)s 类"
                    "（现有：%(used)s）"
                )
                % {
                    "min_classes": self.min_classes,
                    "used": _("、").join(str(name) for name in used) or _("无"),
                },
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("至少包含小写字母、大写字母、数字、符号中的 %(min_classes)s 类") % {
            "min_classes": self.min_classes
        }


class NotYourNameValidator:
    """Not the user's own account name or name inside the password (Django's similarity
    check misses "Tf01-2025" for tf01)."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        folded = password.casefold()
        for value in (user.get_username(), getattr(user, "full_name", "")):
            name = (value or "").casefold()
            if len(name) >= 2 and name in folded:
                raise ValidationError(
                    _("密码不能包含用户名或姓名"),
                    code="password_contains_name",
                )

    def get_help_text(self) -> str:
        return _("不能包含用户名或姓名")
