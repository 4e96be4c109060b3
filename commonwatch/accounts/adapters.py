"""allauth hooks: mail through the outbox, password guessing slowed without lockouts,
second factors encrypted at rest and kept by staff."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email
from allauth.core import context as allauth_context
from allauth.core.internal import ratelimit  # as allauth's own adapter: usage with rollback
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import InvalidToken
from django import forms
from django.conf import settings
from django.contrib import messages
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from commonwatch.core import sealing

from . import mail_caps, second_factor, throttle
from .tasks import queue_email

LOGIN_CODE_SENT = "account/messages/login_code_sent.txt"


@dataclass(frozen=True)
class MailSite:
    """What allauth's e-mail templates read as ``current_site`` (its name and domain)."""

    name: str
    domain: str


def mail_site() -> MailSite:
    """The install as its e-mails name it: SITE_NAME at SITE_URL's host.

    From settings, not django.contrib.sites: a fresh install and the test database
    need no Site row, and a request's Host header never names the site.
    """
    return MailSite(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def on_site(url: str) -> str:
    """The same page at SITE_URL: allauth builds links from the request's host, which
    behind a proxy is an internal name and, from a forged Host header, anyone's."""
    site, link = urlsplit(settings.SITE_URL), urlsplit(url)
    path = site.path.rstrip("/") + link.path
    return urlunsplit((site.scheme, site.netloc, path, link.query, link.fragment))


def why_no_unsubscribe() -> str:
    """The footer of every account e-mail (sign-up, sign-in code, password, address): they
    come only when someone asks for one or the account's security changes, so they have
    no unsubscribe link, and they say so. E-mails of alerts and notices have one (notifications)."""
    return _(
        "You get this e-mail because someone asked for it with this address on %(site)s, "
        "or because your account's sign-in or security changed. E-mails like this one "
        "cannot be unsubscribed from: they keep your account safe and come only when "
        "needed. E-mails of alerts and notices can be turned off at %(settings)s"
    ) % {"site": settings.SITE_NAME, "settings": on_site(reverse("notifications:settings"))}


# Each returns the page a signed-in user starts on (a URL), or None: the first answer
# wins. Apps above accounts register here: the pages of a person's work first
# (moderation: moderators land on the queue), then their everyday page (community: a
# resident's feed), whatever order the apps are loaded in.
landing_pages: list[Callable[[object], str | None]] = []
everyday_pages: list[Callable[[object], str | None]] = []


class AccountAdapter(DefaultAccountAdapter):
    # allauth says "Too many failed login attempts" for every limit on sign-in, also
    # after nothing failed (too many codes asked from one address).
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _lazy(
            "Too many tries from here in a short time. Wait a few minutes, then try again."
        ),
    }

    def get_login_redirect_url(self, request):
        """Where sign-in lands when the sign-in asked for no page (allauth reads `next`
        first): the user's working or everyday page if an app names one, else the front page."""
        for landing in (*landing_pages, *everyday_pages):
            url = landing(request.user)
            if url:
                return url
        return super().get_login_redirect_url(request)

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        """allauth's, but instead of its "A sign-in code has been sent to …", said also to
        an address no account uses, the cap on code e-mails (accounts.mail_caps), told to
        everyone: past it none comes, and the page cannot say so. The code's page says
        plainly that a code goes only to an address an account uses."""
        if message_template != LOGIN_CODE_SENT:
            super().add_message(request, level, message_template, *args, **kwargs)
        else:
            super().add_message(request, messages.INFO, message=mail_caps.SIGN_IN_CODES.notice())

    def send_account_already_exists_mail(self, email: str) -> None:
        """Somebody signed up with an address that has an account: allauth e-mails its
        owner a reset link instead, which anyone could repeat to flood that inbox. It
        counts as a reset e-mail (mail_caps.PASSWORD_RESETS), withheld past the cap
        without a word: a notice here would be shown only for addresses with an account."""
        request = allauth_context.request
        mail_caps.PASSWORD_RESETS.ask(request, email, filter_users_by_email(email))
        super().send_account_already_exists_mail(email)

    def format_email_subject(self, subject: str) -> str:
        """The subject alone: queue_email puts the site's name before every e-mail's
        subject, allauth's and the site's own alike (accounts.tasks.site_subject)."""
        return str(subject)

    def send_mail(self, template_prefix, email, context):
        """As allauth's, through the outbox, with the site named and every link on SITE_URL
        (a code or reset e-mail past its address's cap is not sent: accounts.mail_caps).

        A withheld e-mail is written and queued all the same, and dropped by the worker:
        an answer that skipped that work would come sooner, and its timing would tell the
        asker that somebody else had asked for mail to that address this hour."""
        withheld = mail_caps.mail_withheld(allauth_context.request, template_prefix)
        links = {
            key: on_site(url)
            for key, url in context.items()
            if key.endswith("_url") and isinstance(url, str)
        }
        context = {"email": email, **context, **links, "current_site": mail_site()}
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (content for content, kind in message.alternatives if kind == "text/html"), None
        )
        queue_email(
            subject=message.subject,
            body=f"{message.body}\n\n{why_no_unsubscribe()}",
            from_email=message.from_email,
            to=list(message.to),
            html=html,
            withheld=withheld,
        )

    def pre_authenticate(self, request, **credentials):
        """Before a password is checked: this address's wait for this account (accounts.
        throttle), then the address's budget across all accounts (password spraying).

        Replaces allauth's per-account lockout, which let anyone lock anyone out.
        """
        login, address = credentials.get("email", ""), throttle.client_address(request)
        wait, whole_account = throttle.reserve_attempt(login, address)
        if wait:
            if request.user.is_authenticated:  # giving the password again: no code offered
                message = throttle.wait_message_signed_in(wait)
            else:
                message = _wait_message(wait, whole_account)
            raise forms.ValidationError(message, code="throttled")
        # allauth takes this usage back when the password is right (authenticate()).
        self._login_failed_rl_usage = ratelimit.consume(
            request, app="allauth.account", action="password_failed"
        )
        if not self._login_failed_rl_usage:
            throttle.give_back(login, address)  # not checked: not counted
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request, **credentials):
        """A wrong password keeps the place pre_authenticate reserved; a right one frees it."""
        user = super().authenticate(request, **credentials)
        if user is not None:
            throttle.record_success(credentials.get("email", ""), throttle.client_address(request))
        return user


def _wait_message(seconds: int, whole_account: bool) -> str:
    wait = throttle.wait_in_words(seconds)
    if whole_account:
        return _(
            "This account has had many wrong passwords. Try your password again in %(wait)s, "
            "or sign in now with a code sent to your e-mail."
        ) % {"wait": wait}
    return _(
        "Too many wrong passwords from here. Try again in %(wait)s, or sign in with a code "
        "sent to your e-mail."
    ) % {"wait": wait}


class MfaAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff keep a second factor they can sign in with (a key where one is asked)."""
        return second_factor.may_remove(authenticator)

    def encrypt(self, text: str) -> str:
        """TOTP secrets and recovery-code seeds are stored sealed with ENCRYPTION_KEYS,
        which live outside the database: a dump alone yields no second factor."""
        return sealing.seal_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return sealing.open_text(encrypted_text)
        except InvalidToken as exc:
            raise RuntimeError(
                "A second factor cannot be decrypted: ENCRYPTION_KEYS does not hold the key "
                "it was stored with."
            ) from exc
