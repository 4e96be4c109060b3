"""Putting a service's refusal on the form that asked for it."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def add_errors(form, exc: ValidationError) -> None:
    """Each field's messages under that field; the rest above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def answered_status(form) -> int:
    """A page showing a form sent back with its errors answers 400, as every endpoint
    refuses bad input; the first view of a form, or one with nothing wrong, 200."""
    return 400 if form.is_bound and form.errors else 200
