"""How an audit entry is hashed, and how the whole chain is checked.

An entry's hash is SHA-256 over the previous entry's hash and the entry's canonical
content (its fields in a fixed order, its data as sorted JSON), so changing any field
of any row, removing a row or swapping two breaks the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC

GENESIS = "0" * 64
FIELDS = (
    "sequence",
    "at",
    "actor_id",
    "actor_role",
    "action",
    "target_type",
    "target_id",
    "data",
    "public",
)


def canonical(sequence, at, actor_id, actor_role, action, target_type, target_id, data, public):
    moment = at.astimezone(UTC).isoformat(timespec="microseconds")
    content = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    parts = (sequence, moment, actor_id, actor_role, action, target_type, target_id, content)
    return "\x1f".join("" if part is None else str(part) for part in parts) + f"\x1f{public:d}"


def link_hash(previous_hash: str, content: str) -> str:
    return hashlib.sha256(f"{previous_hash}\x1e{content}".encode()).hexdigest()


@dataclass
class Break:
    """Where the chain first fails, in words an operator can act on."""

    sequence: int
    problem: str

    def __str__(self) -> str:
        return f"entry #{self.sequence}: {self.problem}"


def first_break(rows: Iterable[tuple], head: tuple[int, str] | None = None) -> Break | None:
    """The first broken link among rows (FIELDS + previous_hash + hash, by sequence),
    checked against the head (the last sequence and hash written), or None if whole."""
    expected_sequence, expected_previous = 1, GENESIS
    for row in rows:
        *fields, previous_hash, stored_hash = row
        sequence = fields[0]
        if sequence != expected_sequence:
            missing = f"#{expected_sequence}" + (
                f"–#{sequence - 1}" if sequence - 1 > expected_sequence else ""
            )
            return Break(sequence, f"the entries before it ({missing}) were removed")
        if previous_hash != expected_previous:
            return Break(sequence, "its link to the entry before does not match: moved or forged")
        if link_hash(previous_hash, canonical(*fields)) != stored_hash:
            return Break(sequence, "its content or its place was changed")
        expected_sequence, expected_previous = sequence + 1, stored_hash
    if head is not None and head != (expected_sequence - 1, expected_previous):
        return Break(expected_sequence, "entries at the end were removed")
    return None


def as_rows(entries: Iterator) -> Iterator[tuple]:
    """Model instances as the tuples first_break reads."""
    for entry in entries:
        yield (*(getattr(entry, name) for name in FIELDS), entry.previous_hash, entry.hash)
