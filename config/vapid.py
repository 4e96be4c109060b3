"""The VAPID key pair that signs web pushes (RFC 8292), as base64url.

Apart from the settings so that making a key loads nothing else:
    python -c 'from config.vapid import new_private_key; print(new_private_key())'
"""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

HOW_TO_MAKE_ONE = (
    "Generate one with: python -c "
    "'from config.vapid import new_private_key; print(new_private_key())'"
)


def new_private_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return _b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def public_key(private_key: str) -> str:
    """The browser's applicationServerKey: the uncompressed P-256 point of the private key.

    Only the raw 32-byte value is taken: a lenient decoder made "abc" a 2-byte key and
    a PEM file a traceback about integers."""
    try:
        padded = private_key + "=" * (-len(private_key) % 4)
        raw = base64.b64decode(padded, altchars=b"-_", validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 32:
        raise ValueError(
            "it must be a raw 32-byte P-256 private value in base64url (not a PEM file). "
            + HOW_TO_MAKE_ONE
        )
    public = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1()).public_key()
    point = public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(point)
