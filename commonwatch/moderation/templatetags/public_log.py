"""How the public log writes a count it withholds (None: 1 or 2, core.public_counts)."""

from django import template
from django.utils.translation import gettext as _

from commonwatch.core.public_counts import SMALLEST_SHOWN

register = template.Library()


@register.filter
def count_or_fewer(count: int | None) -> str:
    if count is None:
        return _("fewer than %(n)d") % {"n": SMALLEST_SHOWN}
    return str(count)
