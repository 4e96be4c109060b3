"""Deploy checks (manage.py check --deploy) for what only an operator can set right.

DEMO (the demo and the tests) skips the ones about e-mail and addresses: it runs on a
laptop, where the console is the right place for e-mail.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import Error, Tags, Warning, register
from django.core.files.storage import storages

# Django's e-mail backends that deliver nothing: what they "send" stays on this machine.
UNDELIVERED_EMAIL = {
    "django.core.mail.backends.console.EmailBackend": "writes every e-mail to the log",
    "django.core.mail.backends.filebased.EmailBackend": "writes every e-mail to a file",
    "django.core.mail.backends.locmem.EmailBackend": "keeps every e-mail in memory",
    "django.core.mail.backends.dummy.EmailBackend": "drops every e-mail",
}
# collectstatic's own default: what it leaves out, the manifest never lists.
COLLECTSTATIC_IGNORES = ["CVS", ".*", "*~"]


@register(Tags.security, deploy=True)
def client_addresses_behind_a_load_balancer(app_configs, **kwargs) -> list[Warning]:
    """The scale mode runs behind a load balancer: without the trusted-proxy settings every
    client shares its address, and one guesser's wait falls on everyone's password sign-in."""
    scale = bool(getattr(settings, "REDIS_URL", ""))
    told = settings.ALLAUTH_TRUSTED_PROXY_COUNT or settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER
    if scale and not told:
        return [
            Warning(
                "Clients cannot be told apart behind a load balancer.",
                hint="Set TRUSTED_PROXY_COUNT (proxies appending X-Forwarded-For) or "
                "TRUSTED_CLIENT_IP_HEADER; see docs/scale.md.",
                id="commonwatch.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def email_is_delivered(app_configs, **kwargs) -> list[Error]:
    """Sign-in codes, password-reset and confirmation links go out by e-mail: the default
    console backend prints them where anyone who reads the logs can use them, and nobody
    receives them."""
    fate = UNDELIVERED_EMAIL.get(settings.EMAIL_BACKEND)
    if settings.DEMO or fate is None:
        return []
    return [
        Error(
            f"EMAIL_URL sends no e-mail: its backend {fate}, sign-in codes and reset links "
            "included.",
            hint="Set EMAIL_URL to your SMTP relay, e.g. smtp+tls://user:password@host:587.",
            id="commonwatch.E001",
        )
    ]


@register(Tags.security, deploy=True)
def site_url_is_this_sites_https_address(app_configs, **kwargs) -> list[Error]:
    """Links in e-mails and alerts are built on SITE_URL: unset, they lead to 127.0.0.1."""
    url = urlsplit(settings.SITE_URL)
    if settings.DEMO or (url.scheme == "https" and url.hostname):
        return []
    return [
        Error(
            "SITE_URL is not this site's https:// address: links in e-mails and alerts "
            "would lead elsewhere.",
            hint="Set SITE_URL to the address residents open, e.g. https://watch.example.org.",
            id="commonwatch.E002",
        )
    ]


@register(Tags.staticfiles, deploy=True)
def static_files_are_collected(app_configs, **kwargs) -> list[Error]:
    """Production serves static files by their hashed names, read from the manifest that
    collectstatic writes: a file it does not list makes every page naming it a 500."""
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return []
    listed = storage.hashed_files  # read from the manifest; empty when there is none
    missing = sorted(
        path
        for finder in get_finders()
        for path, _ in finder.list(COLLECTSTATIC_IGNORES)
        if path not in listed
    )
    if not missing:
        return []
    return [
        Error(
            f"{len(missing)} static files are not collected (such as {missing[0]}): "
            "every page naming one answers 500.",
            hint="Run: python manage.py collectstatic --noinput (again after each upgrade).",
            id="commonwatch.E003",
        )
    ]
