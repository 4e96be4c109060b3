"""The inbox and the notification settings: each person's own, nobody else's; and the
signed unsubscribe and mute links, which work without signing in."""

from __future__ import annotations

from django.conf import settings as site
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from commonwatch.accounts.access import EVERYONE, SIGNED_IN, access
from commonwatch.accounts.models import User
from commonwatch.core.forms import answered_status

from . import links, selectors, services
from .forms import ChoicesForm
from .kinds import KINDS
from .models import Delivery, QuietHours


@access(SIGNED_IN)
@require_http_methods(["GET"])
def inbox(request):
    found = selectors.inbox(request.user)
    items = [(item, _thread_mute_url(request.user, item)) for item in found]
    unread = sum(item.unread for item in found)
    return render(request, "notifications/inbox.html", {"items": items, "unread": unread})


def _thread_mute_url(user, item) -> str:
    """One tap mutes the item's thread; "" for a kind without threads (a moderator's
    decision is told once: muting it would only hide it, not stop the next one)."""
    kind = KINDS[item.notification.kind]
    if not kind.threads:
        return ""
    thread = item.entry.thread or item.notification.subject_id
    return links.mute_url(links.mute_thread_token(user, kind.code, thread))


@access(SIGNED_IN)
@require_POST
def mark_all_read(request):
    services.mark_read(user=request.user)
    messages.success(request, _("Everything is marked as read."))
    return redirect("notifications:inbox")


@access(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def settings(request):
    """How each category reaches the person, quiet hours, devices and muted threads."""
    choices = selectors.choices_of(request.user)
    quiet = QuietHours.objects.filter(user=request.user).first()
    form = ChoicesForm(
        request.POST if request.method == "POST" else None, choices=choices, quiet=quiet
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for choice in choices:
                services.choose(
                    user=request.user,
                    kind=choice.kind.code,
                    topic=choice.topic,
                    delivery=form.cleaned_data[choice.field_name] or choice.delivery,
                )
            services.set_quiet_hours(
                user=request.user,
                starts=form.cleaned_data["quiet_starts"],
                ends=form.cleaned_data["quiet_ends"],
                time_zone=form.cleaned_data["time_zone"],
            )
        messages.success(request, _("Your notification settings are saved."))
        return redirect(_next_page(request) or "notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "muted": selectors.muted_threads(request.user),
            "devices": selectors.devices_of(request.user).count(),
            "device_fingerprints": " ".join(selectors.device_fingerprints(request.user)),
            "vapid_public_key": site.VAPID_PUBLIC_KEY,
            "next": _next_page(request),
        },
        status=answered_status(form),
    )


@access(SIGNED_IN)
@require_POST
def unmute_thread(request, thread_id: int):
    services.unmute_thread(user=request.user, thread_id=thread_id)
    messages.success(request, _("You will hear about this thread again."))
    return redirect("notifications:settings")


@csrf_exempt  # the signed link authorizes; RFC 8058's one-click POST carries no cookie
@access(EVERYONE)
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET asks (mail scanners open links); POST stops every e-mail of alerts and
    notices, as the e-mail's link says. Account e-mails (resets, security) still come."""
    said = links.read(token, links.UNSUBSCRIBE_SALT)
    user = User.objects.filter(pk=said["u"], is_active=True).first() if said else None
    if user is None:
        return _invalid(request)
    done = request.method == "POST"
    if done:
        services.unsubscribe_from_email(user)
    return render(request, "notifications/unsubscribe.html", {"done": done, "token": token})


@csrf_exempt  # the signed link authorizes: a tap on a push's button, or a mail link
@access(EVERYONE)
@require_http_methods(["GET", "POST"])
def mute(request, token: str):
    """Mute one category, or one thread, of one person's alerts (GET asks first)."""
    said = links.read(token, links.MUTE_SALT)
    user = User.objects.filter(pk=said["u"], is_active=True).first() if said else None
    kind = KINDS.get(said.get("k", "")) if said else None
    if user is None or kind is None:
        return _invalid(request)
    about_thread = "r" in said or "s" in said
    thread = links.thread_named(said, kind)
    if about_thread and not isinstance(thread, int):
        return _invalid(request)
    what = _("this thread") if about_thread else kind.topic_label(str(said.get("t", "")))
    done = request.method == "POST"
    if done and about_thread:
        services.mute_thread(user=user, kind=kind.code, subject_id=thread)
    elif done:
        services.choose(user=user, kind=kind.code, topic=said.get("t", ""), delivery=Delivery.OFF)
    return render(request, "notifications/mute.html", {"done": done, "what": what, "token": token})


def _invalid(request):
    return render(request, "notifications/invalid_link.html", status=404)


@access(EVERYONE)
@require_http_methods(["GET"])
def service_worker(request):
    """The service worker, from the site root so that its scope is the whole site."""
    script = render_to_string("notifications/service-worker.js")
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


def _next_page(request) -> str | None:
    """Where a walk-through (the newcomer's onboarding) continues: a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None
