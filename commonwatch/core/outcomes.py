"""Telling a person how their action went, the same way on every page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError

from .errors import DomainError, SecondFactorRequired


def refusals(action: Callable[[], object]) -> list[str]:
    """Run a service call; the reasons it was refused, empty if it ran. For a page that
    shows them beside the form they are about rather than at the top."""
    try:
        action()
    except ValidationError as exc:
        return list(exc.messages)
    except SecondFactorRequired:
        raise  # not a refusal: the person is sent to confirm their second factor
    except DomainError as exc:
        return [exc.message]
    return []


def report_outcome(request, action: Callable[[], object], success: str) -> bool:
    """Run a service call; show `success`, or each reason it was refused. True if it ran."""
    refused = refusals(action)
    for message in refused:
        messages.error(request, message)
    if not refused:
        messages.success(request, success)
    return not refused
