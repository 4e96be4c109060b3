"""{{ moment|reader_time }}: a moment on the reader's clock, written one way on every
page (core.time_zone.on_reader_clock); {{ moment|reader_time:"day" }} or "clock" for
one half of it."""

from __future__ import annotations

from django import template

from commonwatch.core.time_zone import on_reader_clock

register = template.Library()


@register.filter
def reader_time(moment, part: str = "") -> str:
    return on_reader_clock(moment, part) if moment else ""
