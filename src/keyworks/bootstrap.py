"""What keyworks needs before Django starts: where its files live, and the secret key of the
demo. Imported by `settings` and by the `keyworks` command (`__main__`), so it imports
nothing of Django or of the apps."""

import os
import secrets
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent.parent
# Only with KEYWORKS_DEBUG=true, or for a demo database made before the demo kept a key of
# its own (its contacts are encrypted with a key derived from this one).
DEVELOPMENT_SECRET_KEY = "django-insecure-keyworks-development-key-change-me"
DEMO_COMMANDS = frozenset({"demo", "synth"})
# Commands that read the code and never sign, encrypt or serve anything: they run without a
# secret key (a throwaway one), so a build or a CI check needs no secret.
OFFLINE_COMMANDS = frozenset({"makemigrations", "compilemessages", "makemessages"})


def offline_command(argv: list[str]) -> bool:
    """Is this process one of OFFLINE_COMMANDS (`keyworks makemigrations --check`, also as
    `django-admin` or `python -m django`)?"""
    return len(argv) > 1 and argv[1] in OFFLINE_COMMANDS


DEMO_KEY_NAME = "demo-secret-key"


def var_dir() -> Path:
    """Where the default database, photos and the demo's key are kept."""
    return Path(os.environ.get("KEYWORKS_VAR_DIR") or PROJECT_DIR / "var")


def keep_demo_secret_key(argv: list[str]) -> None:
    """`keyworks demo` (and `synth`) run on a fresh machine with nothing set: unless a
    secret key is given, they use one of their own, made once and kept in var/ (readable by
    its owner only) so that sessions and encrypted contacts survive a restart. Any other
    command without a key is refused by the settings unless KEYWORKS_DEBUG=true."""
    if len(argv) < 2 or argv[1] not in DEMO_COMMANDS:
        return
    if os.environ.get("KEYWORKS_SECRET_KEY") or os.environ.get("KEYWORKS_SECRET_KEY_FILE"):
        return
    folder = var_dir()
    path = folder / DEMO_KEY_NAME
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        legacy = (folder / "keyworks.sqlite3").exists() and not os.environ.get(
            "KEYWORKS_DATABASE_URL"
        )
        if legacy:
            print(
                f"{folder / 'keyworks.sqlite3'} 由旧版演示创建，继续使用开发密钥；"
                f"删除 {folder} 后重新运行可生成独立密钥。",
                file=sys.stderr,
            )
        key = DEVELOPMENT_SECRET_KEY if legacy else secrets.token_urlsafe(50)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(key)
    os.environ["KEYWORKS_SECRET_KEY_FILE"] = str(path)
