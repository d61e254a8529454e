"""Writing a command's output to the file the operator named (``--output``, ``FILE``):
a message saying what is wrong — no such folder, a folder, no permission — instead of a
traceback, and a file of personal data readable by its owner only."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def write_output(path: Path | str, content: bytes, *, private: bool = False) -> None:
    """Write ``content`` to ``path``; ``private``: mode 0600, also for a file that
    existed with wider permissions. A CommandError naming the file and the reason when
    it cannot be written."""
    path = Path(path)
    try:
        if private:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(content)
        else:
            path.write_bytes(content)
    except IsADirectoryError:
        raise CommandError(_("{path} is a folder: give a file name.").format(path=path)) from None
    except FileNotFoundError:
        raise CommandError(
            _("Cannot write {path}: the folder {folder} does not exist.").format(
                path=path, folder=path.parent
            )
        ) from None
    except PermissionError:
        raise CommandError(_("Cannot write {path}: permission denied.").format(path=path)) from None
    except OSError as e:
        raise CommandError(
            _("Cannot write {path}: {reason}.").format(path=path, reason=e.strerror or e)
        ) from None
