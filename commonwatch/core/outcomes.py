"""Telling a person how their action went, the same way on every page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError

from .errors import DomainError, SecondFactorRequired


def report_outcome(request, action: Callable[[], object], success: str) -> bool:
    """Run a service call; show `success`, or each reason it was refused. True if it ran."""
    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    except SecondFactorRequired:
        raise  # not a refusal: the person is sent to confirm their second factor
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True
