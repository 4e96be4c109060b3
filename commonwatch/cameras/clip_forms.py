"""The clip library's filters: one of the owner's cameras, and a range of days."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LibraryFilterForm(forms.Form):
    # A link kept from a camera since removed lands here: say so, where "No clip matches"
    # under "All cameras" read as if the owner had no clips at all. Another person's
    # camera reads the same, so nothing tells that it exists.
    camera = forms.ModelChoiceField(
        label=_("Camera"),
        queryset=None,
        required=False,
        empty_label=_("All cameras"),
        error_messages={
            "invalid_choice": _("That camera is not among yours: choose one of the list.")
        },
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data, *, cameras):
        super().__init__(data)
        self.fields["camera"].queryset = cameras

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The range ends before it starts."))
        try:
            self.times = {
                "start": _midnight(data["start"]) if data.get("start") else None,
                "end": _midnight(data["end"] + timedelta(days=1)) if data.get("end") else None,
            }
        except OverflowError:
            raise forms.ValidationError(
                _("No clip can be recorded on a day so far away: choose another day.")
            ) from None
        return data

    def range(self) -> dict:
        """Selector arguments: the camera's id, and the days as [start, end) times."""
        camera = self.cleaned_data.get("camera")
        return {"camera_id": camera.pk if camera else None, **self.times}


def _midnight(day) -> datetime:
    """The day's first moment in the current time zone; OverflowError for a day at the
    calendar's ends, whose midnight no database could hold in UTC."""
    moment = timezone.make_aware(datetime.combine(day, time.min))
    moment.astimezone(UTC)
    return moment
