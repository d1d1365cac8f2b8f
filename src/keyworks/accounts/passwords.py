"""The password rule of GB/T 22239 身份鉴别: long enough, of several kinds of character, not
the user's own name, not a common password (Django's validators do the last two)."""

from django.conf import settings
from django.core.exceptions import ValidationError

CLASSES = (
    ("小写字母", str.islower),
    ("大写字母", str.isupper),
    ("数字", str.isdigit),
    ("符号", lambda c: not c.isalnum()),
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
                f"密码须包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 类"
                f"（现有：{'、'.join(used) or '无'}） / Use at least {self.min_classes} of:"
                " lower-case, upper-case, digits, symbols",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return (
            f"至少包含小写字母、大写字母、数字、符号中的 {self.min_classes} 类"
            f" / At least {self.min_classes} kinds of character"
        )


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
                    "密码不能包含用户名或姓名 / The password must not contain your name",
                    code="password_contains_name",
                )

    def get_help_text(self) -> str:
        return "不能包含用户名或姓名 / Not containing your names"
