"""Sealing what the database must keep but nobody reading it should: with ENCRYPTION_KEYS,
which live outside the database (Fernet: authenticated encryption, keys rotatable)."""

from __future__ import annotations

import json

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


def key_ring() -> MultiFernet:
    """The first key seals, every key opens: put a new key first to rotate."""
    return MultiFernet([Fernet(key.strip().encode()) for key in settings.ENCRYPTION_KEYS])


def seal_text(text: str) -> str:
    return key_ring().encrypt(text.encode()).decode()


def open_text(sealed: str) -> str:
    """Raises cryptography.fernet.InvalidToken if no key of the ring sealed it."""
    return key_ring().decrypt(sealed.encode()).decode()


def seal(data: dict) -> str:
    return seal_text(json.dumps(data))


def open_sealed(sealed: str) -> dict:
    return json.loads(open_text(sealed))
