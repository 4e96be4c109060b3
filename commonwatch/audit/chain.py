"""How an audit entry is hashed, and how the whole chain is checked.

An entry's hash is SHA-256 over the previous entry's hash and the entry's canonical
content (its fields in a fixed order, its data as sorted JSON), so changing any field
of any row, removing a row or swapping two breaks the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
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
_JSON = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
# The C encoder that JSONEncoder.encode builds on every call, built once: the same text
# at a third of the cost of json.dumps, which matters when checking a whole chain
# (bench/README.md). Without json.dumps' circular-reference check: data read back from
# JSON cannot be circular, and circular data given to `record` fails either way.
_C_ENCODER = (
    json.encoder.c_make_encoder(
        None, _JSON.default, json.encoder.encode_basestring, None, ":", ",", True, False, True
    )
    if json.encoder.c_make_encoder is not None
    else None
)


def moment(at) -> str:
    """An entry's time as hashed: UTC, to the microsecond."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def content(data) -> str:
    """An entry's data as hashed: the text of
    json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)."""
    if _C_ENCODER is None:
        return _JSON.encode(data)
    return "".join(_C_ENCODER(data, 0))


def canonical(sequence, at, actor_id, actor_role, action, target_type, target_id, data, public):
    """The text an entry is hashed as (with the hash of the entry before it)."""
    return _joined(
        sequence,
        moment(at),
        actor_id,
        actor_role,
        action,
        target_type,
        target_id,
        content(data),
        public,
    )


def _joined(
    sequence, at_text, actor_id, actor_role, action, target_type, target_id, data_text, public
):
    """The fields as text separated by U+001F, None as an empty text, public as 0 or 1:
    one f-string, because checking a chain builds one per entry."""
    return (
        f"{'' if sequence is None else sequence!s}\x1f{at_text}"
        f"\x1f{'' if actor_id is None else actor_id!s}"
        f"\x1f{'' if actor_role is None else actor_role!s}"
        f"\x1f{'' if action is None else action!s}"
        f"\x1f{'' if target_type is None else target_type!s}"
        f"\x1f{'' if target_id is None else target_id!s}"
        f"\x1f{data_text}\x1f{public:d}"
    )


def link_hash(previous_hash: str, content: str) -> str:
    return hashlib.sha256(f"{previous_hash}\x1e{content}".encode()).hexdigest()


@dataclass
class Break:
    """Where the chain first fails, in words an operator can act on."""

    sequence: int
    problem: str
    read: int = 0  # how many entries were read, this one included

    def __str__(self) -> str:
        return f"entry #{self.sequence}: {self.problem}"


def first_break(
    rows: Iterable[tuple],
    head: tuple[int, str] | None = None,
    *,
    time_text: Callable = moment,
    data_text: Callable = content,
) -> Break | None:
    """The first broken link among rows (FIELDS + previous_hash + hash, by sequence),
    checked against the head (the last sequence and hash written), or None if whole
    (then the rows were exactly #1 to the head's sequence).

    time_text and data_text give the text a row's `at` and `data` were hashed as: by
    default from the values the ORM reads (`moment`, `content`); selectors.verify_chain
    reads the database's own values, which are cheaper to turn into text."""
    expected_sequence, expected_previous = 1, GENESIS
    sha256 = hashlib.sha256
    for (
        sequence,
        at,
        actor_id,
        actor_role,
        action,
        target_type,
        target_id,
        data,
        public,
        previous_hash,
        stored_hash,
    ) in rows:
        if sequence != expected_sequence:
            missing = f"#{expected_sequence}" + (
                f"–#{sequence - 1}" if sequence - 1 > expected_sequence else ""
            )
            removed = f"the entries before it ({missing}) were removed"
            return Break(sequence, removed, expected_sequence)
        if previous_hash != expected_previous:
            forged = "its link to the entry before does not match: moved or forged"
            return Break(sequence, forged, expected_sequence)
        text = _joined(
            sequence,
            time_text(at),
            actor_id,
            actor_role,
            action,
            target_type,
            target_id,
            data_text(data),
            public,
        )
        # link_hash, inlined: this line runs once per entry of the whole chain.
        if sha256(f"{previous_hash}\x1e{text}".encode()).hexdigest() != stored_hash:
            return Break(sequence, "its content or its place was changed", expected_sequence)
        expected_sequence, expected_previous = sequence + 1, stored_hash
    if head is not None and head != (expected_sequence - 1, expected_previous):
        return Break(expected_sequence, "entries at the end were removed", expected_sequence - 1)
    return None


def as_rows(entries: Iterator) -> Iterator[tuple]:
    """Model instances as the tuples first_break reads."""
    for entry in entries:
        yield (*(getattr(entry, name) for name in FIELDS), entry.previous_hash, entry.hash)
