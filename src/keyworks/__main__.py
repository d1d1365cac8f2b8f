"""`keyworks` console entry point: the project's manage.py."""

import os
import sys

from keyworks.bootstrap import keep_demo_secret_key


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyworks.settings")
    keep_demo_secret_key(sys.argv)  # before the settings are read
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
