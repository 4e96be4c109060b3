from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from commonwatch.core.time_zone import zone_names

from .models import Delivery, QuietHours
from .selectors import Choice


class ClockTimeField(forms.TimeField):
    """A time of day to the second: a fraction ("22:00:00.5"), which no clock the page
    shows has and the API's HH:MM:SS cannot carry, is dropped."""

    def to_python(self, value):
        found = super().to_python(value)
        return found.replace(microsecond=0) if found else found


class ChoicesForm(forms.Form):
    """How each topic of each kind reaches the person, and their quiet hours."""

    quiet_starts = ClockTimeField(label=_("Quiet from"), required=False)
    quiet_ends = ClockTimeField(label=_("until"), required=False)
    time_zone = forms.ChoiceField(label=_("in the time zone"))

    def __init__(self, *args, choices: list[Choice], quiet: QuietHours | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        for choice in choices:
            self.fields[choice.field_name] = forms.ChoiceField(
                label=choice.label,
                choices=[c for c in Delivery.choices if c[0] in choice.kind.deliveries],
                initial=choice.delivery,
                required=False,  # left out: unchanged
                widget=forms.RadioSelect,
            )
        self.fields["quiet_starts"].widget = forms.TimeInput(attrs={"type": "time"})
        self.fields["quiet_ends"].widget = forms.TimeInput(attrs={"type": "time"})
        self.fields["time_zone"].choices = [(z, z) for z in sorted(zone_names())]
        self.fields["time_zone"].initial = quiet.time_zone if quiet else settings.TIME_ZONE
        if quiet is None:
            self.fields["time_zone"].widget.attrs["data-from-browser"] = ""
        if quiet is not None:
            self.fields["quiet_starts"].initial = quiet.starts
            self.fields["quiet_ends"].initial = quiet.ends

    def by_kind(self) -> list[tuple[str, list]]:
        """The choices grouped under their kind, for one fieldset each."""
        groups: dict[str, list] = {}
        for choice in self.choices:
            groups.setdefault(str(choice.kind.label), []).append(self[choice.field_name])
        return list(groups.items())

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("quiet_starts")) != bool(cleaned.get("quiet_ends")):
            self.add_error("quiet_ends", _("Give both times, or neither for no quiet hours."))
        return cleaned
