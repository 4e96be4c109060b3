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
