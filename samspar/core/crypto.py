"""Encryption at rest and keyed look-up hashes for identity numbers.

The plain personnummer never reaches the database: it is stored encrypted (Fernet,
key ``SAMSPAR_FIELD_KEY``) for display to those allowed to see it, and as an HMAC-SHA256
(key ``SAMSPAR_HASH_KEY``) to find a person again without decrypting every row.

``SAMSPAR_FIELD_KEY`` may list several keys, comma-separated: the first encrypts, all
are tried to decrypt (``MultiFernet``). That lets a key be replaced without downtime: put
the new key first, run ``samspar rotate-key`` (``rotate``), then drop the old key.
"""

import hashlib
import hmac
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.core.exceptions import ImproperlyConfigured


def field_keys(setting: str) -> list[str]:
    """The keys of a ``SAMSPAR_FIELD_KEY`` value, current key first."""
    return [key.strip() for key in setting.split(",") if key.strip()]


def key_problems(setting: str) -> list[str]:
    """What is wrong with a ``SAMSPAR_FIELD_KEY`` value (never the keys themselves)."""
    keys = field_keys(setting)
    if not keys:
        return ["SAMSPAR_FIELD_KEY holds no key."]
    problems = []
    for number, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            problems.append(
                f"Key {number} of SAMSPAR_FIELD_KEY is not a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            )
    return problems


@cache
def _fernet(setting: str) -> MultiFernet:
    if problems := key_problems(setting):
        raise ImproperlyConfigured(" ".join(problems))
    return MultiFernet([Fernet(key.encode()) for key in field_keys(setting)])


def check_field_key(**kwargs: Any) -> list[CheckMessage]:
    """System check (``samspar check``, and before every command): the keys parse."""
    return [
        Error(problem, id="samspar.E001") for problem in key_problems(settings.SAMSPAR_FIELD_KEY)
    ]


def encrypt(plain: str) -> str:
    return _fernet(settings.SAMSPAR_FIELD_KEY).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(settings.SAMSPAR_FIELD_KEY).decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """``token`` encrypted again under the current (first) key."""
    return _fernet(settings.SAMSPAR_FIELD_KEY).rotate(token.encode()).decode()


def lookup_hash(plain: str) -> str:
    return hmac.new(settings.SAMSPAR_HASH_KEY.encode(), plain.encode(), hashlib.sha256).hexdigest()
