"""Camera forms: field types and labels only; every rule is the services' (one place)."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_RETENTION_DAYS, MIN_RETENTION_DAYS, AgencyVisibility, CameraKind
from .services import MAX_BRAND_CHARS, MAX_NAME_CHARS
from .zones import read_zones


class CameraForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=MAX_NAME_CHARS)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Choose…")), *CameraKind.choices])
    brand = forms.CharField(
        label=_("Brand"),
        max_length=MAX_BRAND_CHARS,
        required=False,
        help_text=_("Any brand: Commonwatch works with every camera that can save a video."),
    )
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    agency_visibility = forms.ChoiceField(
        label=_("How agencies may count it"),
        choices=AgencyVisibility.choices,
        initial=AgencyVisibility.AGGREGATE,
        widget=forms.RadioSelect,
        help_text=_(
            "Agencies never see your clips unless you share them. This only says whether an "
            "agency asking an area for footage may count this camera, and how precisely."
        ),
    )
    record_audio = forms.BooleanField(
        label=_("Keep the sound of its clips"),
        required=False,
        help_text=_(
            "Off by default: sound is removed from every clip before it is stored. Recording "
            "the conversations of passers-by is unlawful in many places; turn it on only for "
            "a camera that hears nobody but you."
        ),
    )


class ZonesField(forms.CharField):
    """Polygons as the drawing page sends them: JSON, checked by the services."""

    widget = forms.HiddenInput

    def to_python(self, value):
        value = super().to_python(value)
        return read_zones(value) if value else []

    def prepare_value(self, value):
        return value if isinstance(value, str) else json.dumps(value or [])


class ZonesForm(forms.Form):
    privacy_zones = ZonesField(required=False)
    motion_zones = ZonesField(required=False)


class KeepingForm(forms.Form):
    retention_days = forms.IntegerField(
        label=_("Keep clips for (days)"),
        min_value=MIN_RETENTION_DAYS,
        max_value=MAX_RETENTION_DAYS,
        help_text=_("From 1 to 180 days. Older clips are deleted for good at the next purge."),
    )
    # Sent by the question a shorter retention asks first: "these clips will go".
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
