"""The `samspar` command: a thin front to Django's management commands."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspar.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["samspar", *sys.argv[1:]])


if __name__ == "__main__":
    main()
