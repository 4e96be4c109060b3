"""Account pages: thin adapters around services and selectors."""

from __future__ import annotations

from allauth.account.utils import passthrough_next_redirect_url
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from commonwatch.core import shown_once
from commonwatch.core.errors import RateLimited
from commonwatch.core.forms import answered_status
from commonwatch.geo.distance import m_to_miles

from . import closing, code_sign_in, services, throttle
from .access import EVERYONE, SIGNED_IN, NavEntry, access, needs, visible_entries
from .forms import ApiTokenForm, DeleteAccountForm, HomeForm, SessionForm
from .policies import HOME
from .selectors import home_of, own_token, tokens_of

# The account page lists these, each shown only to whom its rule admits.
ACCOUNT_ENTRIES = (
    NavEntry(_lazy("E-mail addresses"), "account_email"),
    NavEntry(_lazy("Password"), "account_change_password"),
    NavEntry(_lazy("Two-factor authentication and recovery codes"), "mfa_index"),
    NavEntry(_lazy("Personal API tokens"), "accounts:api_tokens"),
    NavEntry(_lazy("Delete my account"), "accounts:delete"),
)


@access(needs(HOME))
@require_http_methods(["GET", "POST"])
def home_settings(request):
    home = home_of(request.user)
    initial = {}
    if home:
        initial = {
            "lat": home.lat,
            "lng": home.lng,
            "radius_mi": round(m_to_miles(home.radius_m), 2),
        }
    form = HomeForm(request.POST or None, initial=initial)
    # A newcomer, also one who comes back from the preview (step 2) to change the circle.
    welcome = home is None or request.GET.get("welcome") == "1"
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            services.set_home(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except RateLimited as exc:
            form.add_error(None, exc.message)
            status = 429
        else:
            messages.success(request, _("Your home and alert radius are saved."))
            # Then what the circle holds; a newcomer goes on to their notification choices.
            preview = reverse("community:preview")
            return redirect(f"{preview}?welcome=1" if welcome else preview)
    context = {
        "form": form,
        "home": home,
        "welcome": welcome,
    }
    return render(request, "accounts/home.html", context, status=status or answered_status(form))


@access(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def account_settings(request):
    """One page that leads to every account setting the person's role allows, and the
    idle sign-out a resident may choose (staff always have it)."""
    form = SessionForm(request.POST or None, initial={"idle_sign_out": request.user.idle_sign_out})
    if request.method == "POST" and form.is_valid():
        services.choose_idle_sign_out(user=request.user, enabled=form.cleaned_data["idle_sign_out"])
        messages.success(request, _("Your choice is saved."))
        return redirect("accounts:settings")
    entries = visible_entries(request.user, ACCOUNT_ENTRIES)
    context = {
        "entries": entries,
        "form": form,
        "idle_minutes": settings.STAFF_IDLE_TIMEOUT_SECONDS // 60,
    }
    return render(request, "accounts/settings.html", context, status=answered_status(form))


@access(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, raw = services.create_api_token(user=request.user, **form.cleaned_data)
        # Shown once, on this page's next view (Post/Redirect/Get): only its digest is kept.
        shown_once.keep_for_one_view(request, TOKENS_PAGE, {"token": raw})
        return redirect("accounts:api_tokens")
    shown = shown_once.take(request, TOKENS_PAGE) if request.method == "GET" else None
    new_token = shown["token"] if shown else None
    context = {"form": form, "tokens": tokens_of(request.user), "new_token": new_token}
    page = render(request, "accounts/api_tokens.html", context, status=answered_status(form))
    return shown_once.not_cached(page)


TOKENS_PAGE = "accounts:api_tokens"


@access(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def revoke_api_token(request, token_id: int):
    """GET asks "are you sure?" on a page of its own (no script needed), as deleting a
    post does: a script using the token stops at once. POST revokes."""
    token = own_token(request.user, token_id)
    if request.method == "GET":
        return render(request, "accounts/api_token_revoke.html", {"token": token})
    services.revoke_api_token(user=request.user, token_id=token.pk)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:api_tokens")


@access(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def delete_account(request):
    address = throttle.client_address(request)
    form = DeleteAccountForm(request.POST or None, user=request.user, address=address)
    if request.method == "POST" and form.is_valid():
        user = request.user
        services.delete_account(user=user, what_they_wrote=form.cleaned_data["what_they_wrote"])
        logout(request)
        messages.success(request, _("Your account and everything only you could see are deleted."))
        return redirect("web:home")
    context = {"form": form, "summaries": closing.summaries(request.user)}
    return render(request, "accounts/delete.html", context, status=answered_status(form))


@access(EVERYONE)
@require_POST
def another_code_address(request):
    """The code page's "Use another address": back to the address form, showing the
    address typed to be corrected, and on to the same page after signing in."""
    code_sign_in.use_another_address(request)
    return redirect(
        passthrough_next_redirect_url(request, reverse("account_request_login_code"), "next")
    )
