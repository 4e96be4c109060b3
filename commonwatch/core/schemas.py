"""Field types the API shares: strict where JSON's loose readings would mislead.

Pydantic would read ``false`` as 0 and accept NaN and infinities as floats; a
coordinate or a radius must be a real, finite number, or the field is refused.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AllowInfNan, BeforeValidator, Field


def _not_a_boolean(value):
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    return value


Number = Annotated[float, BeforeValidator(_not_a_boolean), AllowInfNan(False)]
Latitude = Annotated[Number, Field(ge=-90, le=90)]
Longitude = Annotated[Number, Field(ge=-180, le=180)]
