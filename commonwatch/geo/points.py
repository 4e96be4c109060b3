"""Points as people and scripts send them: checked before anything is located from them."""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def is_number(value) -> bool:
    """A real number: True/False are not coordinates, even though Python counts them as ints."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def require_point(lat, lng) -> None:
    """A finite latitude and longitude in range, or a ValidationError naming each bad field."""
    errors = {}
    for field, value, limit in (("lat", lat, 90), ("lng", lng, 180)):
        if not is_number(value):
            errors[field] = _("Give the coordinate as a number.")
        elif not math.isfinite(value) or not -limit <= value <= limit:
            errors[field] = _("Give a coordinate between -%(n)s and %(n)s.") % {"n": limit}
    if errors:
        raise ValidationError(errors)


def never_set(lat, lng) -> bool:
    """Exactly 0, 0 ("null island", in the sea off West Africa): where a point lands that
    was never set (a map's or a device's default, an empty field read as zero), not a
    place anyone means."""
    return lat == 0 and lng == 0
