"""Errors shared by the apps' services."""


class ConcurrentEditError(Exception):
    """Somebody saved the object after this user opened it. Each app names its object in
    `message`; pages show it and the API answers 409 with it."""

    message = (
        "该内容已被他人修改，您的修改未保存。请刷新后重试。"
        " / This was changed by someone else since you opened it; nothing was saved."
        " Reload and try again."
    )

    def __str__(self) -> str:
        return self.message
