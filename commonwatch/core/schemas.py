"""What the API's operations share: strict field types and the documented errors.

Pydantic would read ``false`` as 0 and accept NaN and infinities as floats; a
coordinate or a radius must be a real, finite number, or the field is refused.
Every operation documents each error answer it can give (answers()), with its body.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from django.utils.dateparse import datetime_re, parse_datetime
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field

from .plain_text import without_hidden


class Input(Schema):
    """A request's body: a field the operation does not know is refused, never ignored
    (a misspelt field would otherwise be dropped in silence and the rest carried out)."""

    model_config = ConfigDict(extra="forbid")


def _not_a_boolean(value):
    if isinstance(value, bool):
        raise ValueError("Must be a number, not true or false")
    return value


def number(**limits):
    """A finite real number (never a boolean), within pydantic Field limits (ge, le …)."""
    return Annotated[float, Field(allow_inf_nan=False, **limits), BeforeValidator(_not_a_boolean)]


# Ids as every database stores them (a signed 64-bit integer): a larger one names nothing.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

Latitude = number(ge=-90, le=90)
Longitude = number(ge=-180, le=180)

NO_NUL = r"^[^\x00]*$"


def _without_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Null characters are not allowed")
    return value


def text(*, max_length: int, min_length: int = 0):
    """A string within its length limit and without NUL characters, which PostgreSQL's
    text columns cannot hold (the pattern puts that rule in the document too), nor
    characters that reorder or hide what others will read (core.plain_text).

    The limits come before the validators so pydantic checks them as a string's, in
    characters ("String should have at most 80 characters", not "items after
    validation"), and a NUL is refused in words, as the forms do, not by its pattern."""
    limits = Field(
        min_length=min_length, max_length=max_length, json_schema_extra={"pattern": NO_NUL}
    )
    return Annotated[str, limits, AfterValidator(_without_nul), BeforeValidator(without_hidden)]


def _empty_is_none(value):
    return None if value == "" else value


def any_or(choices):
    """A filter's choice or none: an empty value means "all", as a form's "All categories"
    or "Any time" sends it (a page's own query string passed on to the API)."""
    return Annotated[choices | None, BeforeValidator(_empty_is_none)]


# Every time zone in use lies within UTC-12 and UTC+14; the databases refuse far larger
# offsets (PostgreSQL: "time zone displacement out of range") with an error, not a 422.
MAX_UTC_OFFSET = timedelta(hours=14)
TOO_FAR_FROM_UTC = "A time zone is at most 14 hours from UTC"


def _a_moment(value):
    """An ISO 8601 date and time, as the document says: not a number of seconds, which
    pydantic would otherwise read as one, nor an empty field (leave it out for "now").
    A time without a zone is read later in the site's or the reader's zone (or refused
    where a zone is needed, as a post's occurred_at)."""
    if value is None or isinstance(value, datetime):
        return value
    try:
        moment = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed, but Python's words would say why: a 13th month…
        raise ValueError(_no_such_moment(value)) from None
    if moment is None:
        raise ValueError(
            "Give a date and time in ISO 8601, such as 2026-12-01T18:30 (read in the site's "
            "or your time zone) or 2026-12-01T18:30+01:00, or leave it out"
        )
    offset = moment.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        raise ValueError(TOO_FAR_FROM_UTC)
    try:
        if offset is None:  # read later in the site's or the reader's zone: any must fit
            (moment - MAX_UTC_OFFSET, moment + MAX_UTC_OFFSET)
        else:
            moment.astimezone(UTC)
    except OverflowError:
        raise ValueError("This date and time is out of range") from None
    return moment


def _no_such_moment(value: str) -> str:
    """Why a date and time in the right shape names no moment: its zone, or its date."""
    match = datetime_re.match(value)
    zone_at = match.start("tzinfo") if match and match.group("tzinfo") else len(value)
    try:
        parse_datetime(value[:zone_at])
    except ValueError:
        return "There is no such date or time"
    return TOO_FAR_FROM_UTC


# A date and time in ISO 8601 (or none): what a query or field about a moment accepts.
Moment = Annotated[datetime | None, BeforeValidator(_a_moment)]


def _a_zoned_moment(value):
    """A moment that says its own zone (when something happened, told from anywhere);
    an empty form field is one left out."""
    if value == "":
        return None
    moment = _a_moment(value)
    if moment is not None and moment.utcoffset() is None:
        raise ValueError(
            "Give the date and time with its time zone, such as 2026-12-01T18:30-07:00 "
            "or 2026-12-01T18:30Z, or leave it out"
        )
    return moment


ZonedMoment = Annotated[datetime | None, BeforeValidator(_a_zoned_moment)]


def binary(content_type: str, description: str, *, ranges: bool = False) -> dict:
    """openapi_extra for an operation that answers a file, not JSON (with `ranges`, also
    206 for a `Range: bytes=start-end` request)."""
    content = {content_type: {"schema": {"type": "string", "format": "binary"}}}
    responses = {200: {"description": description, "content": content}}
    if ranges:
        responses[206] = {
            "description": "The bytes the Range header asked for.",
            "content": content,
        }
    return {"responses": responses}


class Error(Schema):
    """An answer that is not the one asked for, with a sentence saying why."""

    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str = Field(description="`value_error`, or the refusal's own code.")


class FieldErrors(Schema):
    """422: what is wrong with each field of the request."""

    detail: list[FieldError]


class TooSoon(Schema):
    """429: the change is allowed again at retry_at (also in the Retry-After header)."""

    detail: str
    retry_at: datetime


# What every operation may answer besides success, and what signed-in ones add.
ALWAYS = {400: Error, 413: Error, 415: Error, 422: FieldErrors}
SIGNED_IN = {401: Error, 403: Error, 404: Error, 409: Error}


def answers(success: dict, *, public: bool = False, extra: dict | None = None) -> dict:
    """An operation's documented answers: its success and every error it can give."""
    return {**success, **ALWAYS, **({} if public else SIGNED_IN), **(extra or {})}
