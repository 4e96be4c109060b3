"""Addresses to points and points to place names, through the geocoder the install names.

``GEOCODER`` picks the backend: ``nominatim`` or ``photon`` (any server speaking that
API at ``GEOCODER_URL``, self-hosted included, reached through geopy), a backend an
app registers (the demo city's own streets: ``demo``), or empty for none. The
resident's browser only ever talks to us: searches go through our endpoint, are
cached, bounded and rate-limited per person, and a geocoder that is down answers a
clear "unavailable" instead of an error page (typing coordinates still works).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim, Photon

from commonwatch.core.errors import RateLimited, Unavailable

MIN_QUERY_CHARS = 2
MAX_QUERY_CHARS = 200
MAX_RESULTS = 5
CACHE_SECONDS = 24 * 60 * 60
# Per person: enough to type and retype an address, far below scraping a geocoder.
SEARCHES_PER_MINUTE = 20


@dataclass(frozen=True)
class Place:
    label: str
    lat: float
    lng: float


class Backend(Protocol):
    def search(self, query: str, limit: int) -> list[Place]: ...

    def reverse(self, lat: float, lng: float) -> str | None: ...


class _Geopy:
    """A geopy geocoder for one of the two APIs, on any URL."""

    def __init__(self, geocoder_class, url: str):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ImproperlyConfigured("GEOCODER_URL must be an http(s) URL.")
        self.geocoder = geocoder_class(
            domain=parts.netloc + parts.path.rstrip("/"),
            scheme=parts.scheme,
            user_agent=settings.GEOCODER_USER_AGENT,
            timeout=settings.GEOCODER_TIMEOUT_SECONDS,
        )

    def search(self, query: str, limit: int) -> list[Place]:
        found = self.geocoder.geocode(query, exactly_one=False, limit=limit) or []
        return [Place(f.address, f.latitude, f.longitude) for f in found[:limit]]


class NominatimBackend(_Geopy):
    def __init__(self, url: str):
        super().__init__(Nominatim, url)

    def reverse(self, lat: float, lng: float) -> str | None:
        found = self.geocoder.reverse((lat, lng), exactly_one=True, zoom=17, addressdetails=True)
        address = (found.raw.get("address") or {}) if found else {}
        road = address.get("road") or address.get("pedestrian") or address.get("footway")
        area = address.get("neighbourhood") or address.get("suburb") or address.get("quarter")
        return ", ".join(part for part in (road, area) if part) or None


class PhotonBackend(_Geopy):
    def __init__(self, url: str):
        super().__init__(Photon, url)

    def reverse(self, lat: float, lng: float) -> str | None:
        found = self.geocoder.reverse((lat, lng), exactly_one=True)
        properties = (found.raw.get("properties") or {}) if found else {}
        road = properties.get("street") or properties.get("name")
        area = properties.get("district") or properties.get("locality")
        return ", ".join(part for part in (road, area) if part) or None


# Apps above geo add theirs (the demo registers "demo" in its AppConfig.ready).
BACKENDS: dict[str, Callable[[str], Backend]] = {
    "nominatim": NominatimBackend,
    "photon": PhotonBackend,
}


def register_backend(name: str, factory: Callable[[str], Backend]) -> None:
    BACKENDS[name] = factory


@checks.register()
def check_geocoder(app_configs=None, **kwargs) -> list[checks.Error]:
    """A GEOCODER no app provides fails at start-up, not at a resident's first search."""
    if settings.GEOCODER and settings.GEOCODER not in BACKENDS:
        return [
            checks.Error(
                f"GEOCODER={settings.GEOCODER!r} is not one of {sorted(BACKENDS)}.",
                hint="Set GEOCODER to nominatim, photon, demo, or empty for no address search.",
                id="geo.E001",
            )
        ]
    return []


def is_enabled() -> bool:
    return bool(settings.GEOCODER)


def backend() -> Backend:
    name = settings.GEOCODER
    if not name:
        raise Unavailable(
            _("Address search is not set up on this site: place the pin on the map instead."),
            code="geocoder_off",
        )
    if name not in BACKENDS:
        raise ImproperlyConfigured(f"GEOCODER must be one of {sorted(BACKENDS)} or empty.")
    return BACKENDS[name](settings.GEOCODER_URL)


def _unavailable() -> Unavailable:
    return Unavailable(
        _(
            "Address search is not answering right now. Place the pin on the map, use "
            "your location, or type the coordinates."
        ),
        code="geocoder_down",
    )


def _cache_key(kind: str, text: str) -> str:
    digest = hashlib.sha256(f"{settings.GEOCODER}|{settings.GEOCODER_URL}|{text}".encode())
    return f"geocoding:{kind}:{digest.hexdigest()}"


def clean_query(query: str) -> str:
    """The query as searched: whitespace collapsed, length bounded (422 otherwise)."""
    cleaned = " ".join(str(query).split())
    if not MIN_QUERY_CHARS <= len(cleaned) <= MAX_QUERY_CHARS:
        raise ValidationError(
            {
                "q": _("Type between %(min)d and %(max)d characters of an address.")
                % {"min": MIN_QUERY_CHARS, "max": MAX_QUERY_CHARS}
            },
            code="query_length",
        )
    return cleaned


def _require_search_allowed(asker_id: int) -> None:
    """At most SEARCHES_PER_MINUTE per person per clock minute (cache hits included)."""
    minute = timezone.now().replace(second=0, microsecond=0)
    key = f"geocoding:asker:{asker_id}:{minute.timestamp():.0f}"
    cache.add(key, 0, 120)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, 120)
        used = 1
    if used > SEARCHES_PER_MINUTE:
        raise RateLimited(
            _("That is a lot of searches in a minute; try again in a moment."),
            retry_at=minute + timedelta(minutes=1),
            code="geocoding",
        )


def search(query: str, *, asker_id: int) -> list[Place]:
    """Places matching an address, best first (at most MAX_RESULTS), for one person."""
    cleaned = clean_query(query)
    geocoder = backend()
    _require_search_allowed(asker_id)
    # Cached per person: a shared answer would come back faster to whoever searches an
    # address someone else just searched, telling them a neighbor looked it up (a home).
    key = _cache_key("search", f"{asker_id}:{cleaned.casefold()}")
    cached = cache.get(key)
    if cached is not None:
        return [Place(**place) for place in cached]
    try:
        found = geocoder.search(cleaned, MAX_RESULTS)
    except GeopyError as exc:
        raise _unavailable() from exc
    cache.set(key, [asdict(place) for place in found], CACHE_SECONDS)
    return found


def reverse(lat: float, lng: float) -> str | None:
    """A short name of the place at a point ("Elm St & 41st Ave"), or None if it has none.

    Called from background work only (place labels), never while a page waits.
    """
    key = _cache_key("reverse", f"{lat:.6f},{lng:.6f}")
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    try:
        label = backend().reverse(lat, lng)
    except GeopyError as exc:
        raise _unavailable() from exc
    cache.set(key, label or "", CACHE_SECONDS)
    return label
