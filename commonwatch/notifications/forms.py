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
                label=choice.get_channel_display(), required=False, initial=choice.enabled
            )

    def by_kind(self) -> list[tuple[str, list]]:
        """The switches grouped under their kind, for one fieldset each."""
        groups: dict[str, list] = {}
        for choice in self.choices:
            groups.setdefault(str(choice.kind.label), []).append(self[choice.field_name])
        return list(groups.items())
