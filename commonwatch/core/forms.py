"""Putting a service's refusal on the form that asked for it, and what every form says
of a choice it does not offer."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _lazy

# Django says "Select a valid choice. <what was sent> is not one of the available
# choices.": the page (or the API's 422) then shows whatever string an attacker put in a
# link or a form, under the site's name. This sentence names nothing that was sent.
CHOICE_NOT_OFFERED = _lazy("Choose one of the options offered.")
CHOICE_FIELDS = (
    forms.ChoiceField,
    forms.MultipleChoiceField,
    forms.ModelChoiceField,
    forms.ModelMultipleChoiceField,
    models.Field,  # a model's own check of its choices (full_clean)
)


def choices_refused_without_echo() -> None:
    """Every choice field, of every form (ours, allauth's, the admin's) and model, refuses
    a value it does not offer with CHOICE_NOT_OFFERED; a field's own error_messages still
    win. Called before any form is made (core.apps)."""
    for field in CHOICE_FIELDS:
        field.default_error_messages = {
            **field.default_error_messages,
            "invalid_choice": CHOICE_NOT_OFFERED,
        }
    chosen_ids = forms.ModelMultipleChoiceField
    chosen_ids.default_error_messages = {
        **chosen_ids.default_error_messages,
        "invalid_pk_value": CHOICE_NOT_OFFERED,
    }


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
