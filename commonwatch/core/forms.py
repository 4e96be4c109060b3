"""Putting a service's refusal on the form that asked for it."""

from __future__ import annotations

from django.core.exceptions import ValidationError


def add_errors(form, exc: ValidationError) -> None:
    """Each field's messages under that field; the rest above the form. An error about
    one item of a field the form shows as several (one photo's description) goes under
    that item's own field, which the form names (form.field_for(field, error))."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    locate = getattr(form, "field_for", None)
    for field, errors in exc.error_dict.items():
        for error in errors:
            name = field if field in form.fields else locate and locate(field, error)
            form.add_error(name if name in form.fields else None, error)


def answered_status(form) -> int:
    """A page showing a form sent back with its errors answers 400, as every endpoint
    refuses bad input; the first view of a form, or one with nothing wrong, 200."""
    return 400 if form.is_bound and form.errors else 200
