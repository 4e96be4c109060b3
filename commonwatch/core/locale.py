"""Django's LocaleMiddleware, with nothing to negotiate while one language is offered.

Commonwatch's strings are marked for translation but it ships one language (settings.
LANGUAGES). Django still parses every request's language cookie and Accept-Language,
matches them against the catalogs and marks every answer as varying by Accept-Language:
~8% of a small API answer's framework work, to choose the only language there is. With
one language (and no language prefix in URLs) it is activated as is, each answer says it
in Content-Language and none claims to vary by a header it ignores. The moment a second
language is configured, Django's negotiation runs unchanged.
"""

from __future__ import annotations

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation


def _only_language(request) -> str | None:
    """The one language offered, or None when there is a choice to make."""
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    if len(settings.LANGUAGES) != 1 or is_language_prefix_patterns_used(urlconf)[0]:
        return None
    return settings.LANGUAGES[0][0]


class LocaleMiddleware(DjangoLocaleMiddleware):
    def process_request(self, request):
        language = _only_language(request)
        if language is None:
            return super().process_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        return None

    def process_response(self, request, response):
        if _only_language(request) is None:
            return super().process_response(request, response)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
