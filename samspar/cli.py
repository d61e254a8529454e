"""The `samspar` command: a thin front to Django's management commands."""

import os
import sys

# Commands of the development apps (settings.DEVELOPMENT_APPS), absent in production.
DEVELOPMENT_COMMANDS = {"demo", "demo_code", "bench"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samspar.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        production = settings.PRODUCTION
    except ImproperlyConfigured as problem:
        # Django's own command line would answer a missing key with a traceback; only
        # its help (no command, or --help) gets by without settings.
        if sys.argv[1:2] and sys.argv[1] not in ("help", "--help", "-h"):
            sys.exit(
                f"samspar: {problem}.\n"
                "A demo or development installation sets SAMSPAR_DEBUG=1 (make demo does); "
                "a production one sets its keys as docs/deployment.md says."
            )
        production = False
    if sys.argv[1:2] and sys.argv[1] in DEVELOPMENT_COMMANDS and production:
        import django
        from django.utils.translation import gettext as _

        django.setup()
        sys.exit(
            _(
                "samspar %(command)s exists only on a demo or development installation "
                "(SAMSPAR_DEBUG=1); this one runs with production settings."
            )
            % {"command": sys.argv[1]}
        )
    from samspar.core import outage

    try:
        execute_from_command_line(["samspar", *sys.argv[1:]])
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`samspar report --list | head`): stop quietly, as other
        # command-line tools do, instead of a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except Exception as error:
        if not outage.is_unavailable(error):
            raise
        from django.utils.translation import gettext as _

        # A restarted or unreachable database: a sentence, not a traceback. A command's
        # write is one transaction, which the database undid.
        said = (str(error).strip().splitlines() or [type(error).__name__])[0]
        sys.exit(
            _(
                "samspar: the database did not answer (%(error)s). Nothing was saved "
                "half-way; run the command again when the database is back."
            )
            % {"error": said}
        )


if __name__ == "__main__":
    main()
