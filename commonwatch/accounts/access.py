"""Who may use each URL: every page and endpoint names the policy action it needs.

Pages carry ``@access(needs("community.read"))``; API operations pass
``auth=api_access(needs(...))``; third-party views (allauth, admin) get theirs from
THIRD_PARTY_RULES. AccessRuleMiddleware refuses any view without a rule, so a
forgotten declaration fails closed, and the URL-walk test names it. What an action
allows is decided in core.policies, from each app's policies.py.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import ResolverMatch, resolve, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from commonwatch.core import policies
from commonwatch.core.errors import SecondFactorRequired

from .browser_only import bearer_credentials
from .models import TokenScope
from .policies import OPERATE, OWN_ACCOUNT, PUBLIC
from .selectors import token_for, token_has_expired
from .services import TOKEN_PREFIX, touch_api_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Rule:
    """The policy action a URL needs (with no object: "may do this to something")."""

    action: str

    @property
    def policy(self) -> policies.Policy:
        return policies.get(self.action)

    @property
    def visitors(self) -> bool:
        return self.policy.visitors

    def allows(self, user) -> bool:
        return self.policy.allows(user)

    def admits(self, user) -> bool:
        """Allowed but for a second factor (or security key) not passed in this session."""
        return self.missing(user) is not None

    def missing(self, user) -> SecondFactorRequired | None:
        return policies.second_factor_missing(user, self.action)

    def allows_tokens(self) -> bool:
        """Whether a personal token may be used here at all (never for staff work)."""
        return not self.policy.staff


def _confirm_on_the_website(missing: SecondFactorRequired) -> str:
    if missing.security_key:
        return _(
            "This needs a security key or passkey confirmed in this session: sign in on "
            "the website with it."
        )
    return _(
        "This needs a second factor confirmed in this session: sign in on the website with it."
    )


def needs(action: str) -> Rule:
    return Rule(action)


EVERYONE = Rule(PUBLIC)
SIGNED_IN = Rule(OWN_ACCOUNT)


def access(rule: Rule) -> Callable:
    """Declare who may use a page view (function or class-based)."""

    def declare(view):
        view.access_rule = rule
        return view

    return declare


# allauth and the admin are not ours to decorate: their rules, by URL name prefix.
THIRD_PARTY_RULES: tuple[tuple[str, Rule], ...] = (
    ("account_login", EVERYONE),
    ("account_request_login_code", EVERYONE),
    ("account_confirm_login_code", EVERYONE),
    ("account_signup", EVERYONE),
    ("account_confirm_email", EVERYONE),
    ("account_email_verification_sent", EVERYONE),
    ("account_reset_password", EVERYONE),
    ("account_inactive", EVERYONE),
    ("account_logout", EVERYONE),
    ("mfa_authenticate", EVERYONE),
    ("mfa_login_webauthn", EVERYONE),
    ("mfa_signup_webauthn", EVERYONE),
    ("mfa_reauthenticate", SIGNED_IN),
    ("account_reauthenticate", SIGNED_IN),
    ("account_email", SIGNED_IN),
    ("account_change_password", SIGNED_IN),
    ("account_set_password", SIGNED_IN),
    ("mfa_", SIGNED_IN),
    ("admin:", needs(OPERATE)),
)
API_NAMESPACE = "api"


def rule_for(view_func: Callable, match: ResolverMatch | None) -> Rule | None:
    """The declared rule of a resolved view, or None when nothing was declared."""
    rule = getattr(view_func, "access_rule", None)
    if rule is None:
        rule = getattr(getattr(view_func, "view_class", None), "access_rule", None)
    if rule is not None or match is None:
        return rule
    name = match.view_name
    for prefix, third_party_rule in THIRD_PARTY_RULES:
        if name.startswith(prefix):
            return third_party_rule
    return None


class NotSignedIn(AuthenticationError):
    """401 to a call that names nobody: no token, and no session."""

    def __init__(self):
        message = _("Sign in, or send a personal token as Authorization: Bearer <token>.")
        super().__init__(message=message)


class TokenRefused(AuthenticationError):
    """401 to a token that signs nobody in: RFC 6750's invalid_token, saying why."""

    def __init__(self, message: str):
        super().__init__(message=message)


def token_gone() -> TokenRefused:
    """A token that works for nobody: revoked and never made look the same, so that no
    answer tells which values were ever tokens."""
    return TokenRefused(_("This token was revoked or does not exist."))


def refused_token(raw: str) -> TokenRefused:
    """Why this personal token signs nobody in, saying only what its holder may know."""
    if not raw.startswith(TOKEN_PREFIX):
        message = _("This is not a personal token: those start with %(prefix)s.")
        return TokenRefused(message % {"prefix": TOKEN_PREFIX})
    if token_has_expired(raw):
        return TokenRefused(_("This token has expired."))
    return token_gone()


def challenge(error: HttpError) -> str:
    """The WWW-Authenticate header of a 401 (RFC 6750 §3): send a bearer token, and
    when the one sent was refused, why (in the characters the header allows)."""
    if not isinstance(error, TokenRefused):
        return "Bearer"
    text = unicodedata.normalize("NFKD", error.message).encode("ascii", "ignore").decode()
    text = "".join(c for c in text if c.isprintable() and c not in '"\\')
    return f'Bearer error="invalid_token", error_description="{text}"'


class ApiAccess(AuthBase):
    """ninja auth for one rule: a personal token (Bearer) or the browser session + CSRF.

    Answers 401 when nobody is signed in or the token is refused (access.challenge), and
    403 when the role lacks the rule.
    """

    openapi_type = "http"
    openapi_scheme = "bearer"

    def __init__(self, rule: Rule):
        self.rule = rule
        super().__init__()
        if rule.action == PUBLIC:  # open to everyone: the OpenAPI document asks for no token
            del self.openapi_security_schema

    def __call__(self, request):
        raw = bearer_credentials(request.headers.get("Authorization", ""))
        if raw is not None:
            user = self._token_user(request, raw)
        else:
            user = request.user
            unsafe = request.method not in SAFE_METHODS
            if user.is_authenticated and unsafe and check_csrf(request) is not None:
                raise AuthorizationError(
                    message=_("CSRF check failed: send the X-CSRFToken header.")
                )
        if self.rule.allows(user):
            return user
        if not user.is_authenticated:
            raise NotSignedIn
        if (missing := self.rule.missing(user)) is not None:
            raise AuthorizationError(message=_confirm_on_the_website(missing))
        raise _role_refused()

    def _token_user(self, request, raw: str):
        """The token's user, held to what tokens may do; 401 (TokenRefused) for no live one."""
        token = token_for(raw)
        if token is None:
            raise refused_token(raw)
        touch_api_token(token=token)
        user = request.user = token.user
        user.sign_in_strength = frozenset()  # a token never stands for a second factor
        if not self.rule.allows_tokens():
            if self.rule.missing(user) is None:  # not their work, with any sign-in
                raise _role_refused()
            raise AuthorizationError(
                message=_("Personal tokens cannot do staff work: sign in with your second factor.")
            )
        if token.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise AuthorizationError(
                message=_("This token may only read. Create a read-and-write token to change.")
            )
        return user


def _role_refused() -> AuthorizationError:
    return AuthorizationError(message=_("Your role does not give access to this endpoint."))


def api_access(rule: Rule) -> ApiAccess:
    return ApiAccess(rule)


class DenyUndeclared(ApiAccess):
    """The API's default: an operation that declares no rule refuses everyone."""

    def __init__(self):
        super().__init__(SIGNED_IN)

    def __call__(self, request):
        raise AuthorizationError(message=_("This endpoint declares no access rule."))


@dataclass(frozen=True)
class NavEntry:
    """A link in a menu, shown only to whom its page's rule admits."""

    label: str | Promise
    url_name: str


def visible_entries(user, entries) -> list[dict]:
    """The entries this signed-in user may open, as label/url pairs for a template."""
    if not getattr(user, "is_authenticated", False):
        return []
    visible = []
    for entry in entries:
        url = reverse(entry.url_name)
        match = resolve(url)
        rule = rule_for(match.func, match)
        if rule is not None and (rule.allows(user) or rule.admits(user)):
            visible.append({"label": entry.label, "url": url, "url_name": entry.url_name})
    return visible
