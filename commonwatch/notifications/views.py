"""The inbox and the notification settings: each person's own, nobody else's."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from commonwatch.accounts.access import SIGNED_IN, access

from . import selectors, services
from .forms import ChoicesForm


@access(SIGNED_IN)
@require_http_methods(["GET"])
def inbox(request):
    items = selectors.inbox(request.user)
    return render(request, "notifications/inbox.html", {"items": items})


@access(SIGNED_IN)
@require_POST
def mark_all_read(request):
    services.mark_read(user=request.user)
    messages.success(request, _("Everything is marked as read."))
    return redirect("notifications:inbox")


@access(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def settings(request):
    """Which kinds reach the person by which channel; the inbox always keeps them all."""
    choices = selectors.choices_of(request.user)
    # Not `request.POST or None`: a form with every switch off posts nothing but the token.
    form = ChoicesForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST" and form.is_valid():
        for choice in choices:
            services.choose(
                user=request.user,
                kind=choice.kind.code,
                channel=choice.channel,
                enabled=form.cleaned_data[choice.field_name],
            )
        messages.success(request, _("Your notification settings are saved."))
        return redirect(_next_page(request) or "notifications:settings")
    return render(
        request, "notifications/settings.html", {"form": form, "next": _next_page(request)}
    )


def _next_page(request) -> str | None:
    """Where a walk-through (the newcomer's onboarding) continues: a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None
