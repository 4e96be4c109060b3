"""How the public log writes a count it withholds (None: 1 or 2, core.public_counts)."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commonwatch.core.public_counts import SMALLEST_SHOWN

register = template.Library()


@register.filter
def count_or_fewer(count: int | None) -> str:
    if count is None:
        return _("fewer than %(n)d") % {"n": SMALLEST_SHOWN}
    return str(count)


# The log's monthly columns, in order: the month's field, and its heading.
MONTH_COLUMNS = (
    ("published", gettext_lazy("Published")),
    ("rejected", gettext_lazy("Rejected")),
    ("sent_back_by_flags", gettext_lazy("Sent back by flags")),
    ("flags", gettext_lazy("Flags")),
    ("appeals", gettext_lazy("Appeals")),
    ("granted", gettext_lazy("Granted")),
    ("granted_edit_asked", gettext_lazy("Granted, edit asked")),
    ("denied", gettext_lazy("Denied")),
    ("warnings", gettext_lazy("Warnings")),
    ("pauses", gettext_lazy("Posting paused")),
)


@register.simple_tag
def month_columns() -> list[str]:
    return [label for _field, label in MONTH_COLUMNS]


@register.filter
def month_counts(month) -> list[tuple[str, int | None]]:
    """A month's counts with their headings, so a stacked row names each one."""
    return [(label, getattr(month, field)) for field, label in MONTH_COLUMNS]
