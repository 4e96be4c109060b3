from __future__ import annotations

from django import forms

from .selectors import Choice


class ChoicesForm(forms.Form):
    """One switch per kind and channel the person may turn on or off."""

    def __init__(self, *args, choices: list[Choice], **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        for choice in choices:
            self.fields[choice.field_name] = forms.BooleanField(
                label=f"{choice.kind.label}: {choice.get_channel_display()}",
                required=False,
                initial=choice.enabled,
            )
