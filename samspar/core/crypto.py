"""Encryption at rest and keyed look-up hashes for identity numbers.

The plain personnummer never reaches the database: it is stored encrypted (Fernet,
key ``SAMSPAR_FIELD_KEY``) for display to those allowed to see it, and as an HMAC-SHA256
(key ``SAMSPAR_HASH_KEY``) to find a person again without decrypting every row.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet
from django.conf import settings


@cache
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def encrypt(plain: str) -> str:
    return _fernet(settings.SAMSPAR_FIELD_KEY).encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(settings.SAMSPAR_FIELD_KEY).decrypt(token.encode()).decode()


def lookup_hash(plain: str) -> str:
    return hmac.new(settings.SAMSPAR_HASH_KEY.encode(), plain.encode(), hashlib.sha256).hexdigest()
