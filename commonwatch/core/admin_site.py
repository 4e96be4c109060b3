"""The operator's admin: an explicit allow-list of what it may show.

Operators run the service; they must not read what residents keep to themselves nor
take over their accounts. So the admin shows only the models named in
OPERATOR_MODELS, whoever registers what: third-party apps that register their own
models (allauth's e-mail addresses, which would let an operator add a verified
address and reset anyone's password; task results, which held whole e-mails) are
left out. A test compares the registry with this list.

Filtering is allow-listed too (OperatorModelAdmin): Django's admin accepts a lookup on
any of a model's own fields in the address, and its result count answers yes or no, so
`?password__startswith=pbkdf2_sha256$1` would read a password hash one character at a
time, and a lookup into an outbox payload who was alerted about which post.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.admin import AdminSite, ModelAdmin
from django.core.exceptions import ImproperlyConfigured
from django.db.models.constants import LOOKUP_SEP
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# app_label.model_name of every model the operator's admin shows, and why.
OPERATOR_MODELS = {
    # Who has an account, their role and whether it is active (no home, no password).
    "accounts.user": "grant staff roles, deactivate an account",
    # Work waiting after a commit: kinds, attempts and errors (never the payload).
    "core.outboxmessage": "see stuck or failing background work",
}


# The longest an e-mail address is (RFC 5321): no search past it finds anything, and
# SQLite refuses a LIKE pattern past 50,000 bytes with an error.
MAX_SEARCH_CHARS = 254


class OperatorModelAdmin(ModelAdmin):
    """A model's page in the operator's admin: filters only through its list_filter."""

    def get_search_results(self, request, queryset, search_term):
        """A search too long to match anything finds nothing and says why (it was a
        server error on SQLite)."""
        if len(search_term) > MAX_SEARCH_CHARS:
            limit = _("Search for at most %(n)d characters.") % {"n": MAX_SEARCH_CHARS}
            messages.warning(request, limit)
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def lookup_allowed(self, lookup, value, request=None):
        filters = {spec[0] if isinstance(spec, tuple) else spec for spec in self.list_filter}
        field = lookup.split(LOOKUP_SEP, 1)[0]
        return field in filters and super().lookup_allowed(lookup, value, request)


class OperatorAdminSite(AdminSite):
    site_header = _("Commonwatch operations")
    site_title = _("Commonwatch operations")

    def register(self, model_or_iterable, admin_class=None, **options):
        models = (
            model_or_iterable
            if isinstance(model_or_iterable, list | tuple)
            else [model_or_iterable]
        )
        for model in models:
            label = f"{model._meta.app_label}.{model._meta.model_name}"
            if label not in OPERATOR_MODELS:
                logger.debug("The operator's admin leaves out %s (not allow-listed).", label)
                continue
            if admin_class is None or not issubclass(admin_class, OperatorModelAdmin):
                raise ImproperlyConfigured(f"{label}'s admin must be an OperatorModelAdmin.")
            super().register(model, admin_class, **options)

    def get_urls(self):
        """Without "view on site" (/admin/r/…): it resolves any content type and id,
        and the operator's models have no page on the site."""
        return [url for url in super().get_urls() if getattr(url, "name", "") != "view_on_site"]

    def password_change(self, request, extra_context=None):
        """The account's own password page instead: it e-mails the owner that the password
        changed and ends their other sessions; the admin's form did neither. The URL names
        stay, since the admin's templates reverse them."""
        return redirect("account_change_password")

    def password_change_done(self, request, extra_context=None):
        return redirect("account_change_password")
