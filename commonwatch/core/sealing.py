"""Sealing what the database must keep but nobody reading it should: with ENCRYPTION_KEYS,
which live outside the database (Fernet: authenticated encryption, keys rotatable)."""

from __future__ import annotations

import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


def key_ring() -> MultiFernet:
    """The first key seals, every key opens: put a new key first to rotate."""
    return MultiFernet([Fernet(key.strip().encode()) for key in settings.ENCRYPTION_KEYS])


def seal_text(text: str) -> str:
    return key_ring().encrypt(text.encode()).decode()


class UnknownSealingKey(InvalidToken):
    """cryptography's InvalidToken says nothing; this one names the setting to look at
    (what an operator sees, e.g. as an outbox message's last error)."""


def open_text(sealed: str) -> str:
    """Raises UnknownSealingKey (an InvalidToken) if no key of the ring sealed it."""
    try:
        return key_ring().decrypt(sealed.encode()).decode()
    except InvalidToken as exc:
        raise _unknown_key() from exc


def resealed(sealed: str) -> str:
    """The same secret sealed with the first key: once every stored secret is resealed
    (manage.py reseal_secrets), the keys after the first can be removed."""
    try:
        return key_ring().rotate(sealed.encode()).decode()
    except InvalidToken as exc:
        raise _unknown_key() from exc


def _unknown_key() -> UnknownSealingKey:
    return UnknownSealingKey(
        "No key in ENCRYPTION_KEYS opens this: it was sealed with a key since removed "
        "or changed (keep the old key after the new one while rotating)."
    )


def seal(data: dict) -> str:
    return seal_text(json.dumps(data))


def open_sealed(sealed: str) -> dict:
    return json.loads(open_text(sealed))
