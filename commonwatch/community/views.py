"""Feed, post and map pages for residents: each calls one service or selector."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from commonwatch.accounts.access import access, needs
from commonwatch.accounts.selectors import home_of
from commonwatch.core.errors import DomainError, RateLimited, SecondFactorRequired
from commonwatch.core.forms import add_errors, answered_status
from commonwatch.core.outcomes import report_outcome
from commonwatch.core.policies import can
from commonwatch.geo.approximate import approximate_area, approximate_location
from commonwatch.notifications.services import mark_read

from . import hooks, policies, selectors, services
from .alerts import POST_ALERT
from .forms import CommentForm, EditPostForm, FeedFilterForm, PostForm, ResolveForm

READ = needs(policies.READ)
WRITE = needs(policies.WRITE)
RESOLVE = needs(policies.RESOLVE)


def _unknown_filters(request, filter_form: FeedFilterForm, back: str):
    """A 400 page naming the filters whose value is not one offered (or the words' own
    error, such as too long a search), or None if all are valid."""
    if filter_form.is_valid():
        return None
    if "q" in filter_form.errors:
        return _bad_address(request, filter_form.errors["q"][0], back)
    fields = ", ".join(filter_form.errors)
    reason = _("Unknown value for the filter: %(fields)s") % {"fields": fields}
    return _bad_address(request, reason, back)


def _bad_address(request, reason: str, back: str):
    """The site's own page for a link that was edited or cut (400), with the way back."""
    labels = {"community:feed": _("Open the feed"), "community:map": _("Open the map")}
    context = {"reason": reason, "back_url": reverse(back), "back_label": labels[back]}
    return render(request, "community/bad_address.html", context, status=400)


FEED_SEEN_AT = "community.feed_seen_at"


def _new_since(request):
    """When the resident last opened the feed (None the first time), remembered now:
    cards published since are marked new."""
    seen = request.session.get(FEED_SEEN_AT)
    request.session[FEED_SEEN_AT] = timezone.now().isoformat()
    return parse_datetime(seen) if seen else None


@access(READ)
@require_safe
def preview(request):
    """What the resident's circle holds, right after they set their home; newcomers
    (welcome=1) go on to choose how they are told, then to the feed. Without a home
    there is no circle to show: the resident is sent to set one."""
    home, welcome = home_of(request.user), request.GET.get("welcome") == "1"
    if home is None:
        return redirect(reverse("accounts:home") + ("?welcome=1" if welcome else ""))
    context = {"preview": selectors.preview_for(request.user), "home": home, "welcome": welcome}
    return render(request, "community/preview.html", context)


@access(READ)
@require_safe
def feed(request):
    filter_form = FeedFilterForm(request.GET)
    if refused := _unknown_filters(request, filter_form, "community:feed"):
        return refused
    filters = filter_form.cleaned_data
    cursor = request.GET.get("cursor")
    try:
        page = selectors.feed_for(request.user, cursor=cursor, **filters)
    except ValueError as exc:
        return _bad_address(request, str(exc), "community:feed")
    new_since = None
    if not cursor:
        mark_read(user=request.user, kind=POST_ALERT)
        new_since = _new_since(request)
    home = home_of(request.user)
    context = {
        "page": page,
        "filter_form": filter_form,
        "filtered": filter_form.is_filtered(),
        "home": home,
        "query": request.GET.urlencode(),
        "filters": filters,
        "filter_query": urlencode({k: v for k, v in filters.items() if v}),
        "cursor": cursor,
        "new_since": new_since,
        # A live socket that reconnects asks for what was published since then.
        "live_since": selectors.cursor_at(timezone.now()),
    }
    # htmx restoring a page missing from its history cache asks for the whole page.
    fragment = request.headers.get("HX-Request") == "true" and (
        request.headers.get("HX-History-Restore-Request") != "true"
    )
    template = "community/_feed_page.html" if fragment else "community/feed.html"
    response = render(request, template, context)
    # An older page's address is pushed into the history: going back to it must get the
    # whole page from the cache, never the fragment htmx asked for at that address.
    patch_vary_headers(response, ["HX-Request"])
    return response


@access(WRITE)
@require_http_methods(["GET", "POST"])
def new_post(request):
    """The author places the post themselves: the map opens on their home's ~100 m cell,
    never on the exact home, which the post's public point could otherwise reveal."""
    home = home_of(request.user)
    form = PostForm(request.POST or None, request.FILES or None)
    too_soon = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = services.submit_post(
                author=request.user,
                category=data["category"],
                title=data["title"],
                body=data["body"],
                lat=data["lat"],
                lng=data["lng"],
                occurred_at=data["occurred_at"],
                uploads=data["media"],
                descriptions=form.descriptions(),
                as_written=data["as_written"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except RateLimited as exc:
            form.add_error(None, exc.message)  # the post comes back as written
            too_soon = exc
        else:
            messages.success(request, _("Thanks! A moderator will review your post shortly."))
            return redirect("community:post", post_id=post.pk)
    context = {
        "form": form,
        "center": approximate_location(home.lat, home.lng) if home else None,
        "paused": hooks.posting_pause(request.user),
        # A page sent back cannot hold files: the author must be told to choose them again.
        "photos_dropped": len(request.FILES.getlist("media")) if form.errors else 0,
        "too_soon": too_soon,  # nothing to change, only to wait: the message says until when
    }
    response = render(request, "community/new_post.html", context, status=answered_status(form))
    return _with_retry(response, too_soon)


def _with_retry(response, too_soon: RateLimited | None):
    """A form refused for its pace is a 429 that says when to send it again."""
    if too_soon is not None:
        response.status_code = too_soon.status
        response["Retry-After"] = too_soon.retry_after_seconds()
    return response


@access(READ)
@require_safe
def post_detail(request, post_id: int):
    return _post_page(request, selectors.post_for(request.user, post_id), CommentForm())


def _post_page(request, post, comment_form: CommentForm, status: int = 200):
    home = home_of(request.user)
    card = selectors.post_page(post, request.user, home=home)
    # Changes to a published post arrive over the feed's socket, which only residents
    # with a home may open (consumers.FeedConsumer): nobody else tries to.
    reader = home is not None and can(request.user, policies.READ)
    context = {
        "post": card,
        # The post's own address, also on a page answered at the comment form's.
        "share_url": request.build_absolute_uri(reverse("community:post", args=[post.pk])),
        "live": reader and card["status"] == "published",
        # The ~100 m hexagon of its public point, never the exact point (even its author's).
        "area": json.dumps(approximate_area(post.lat, post.lng)),
        "comments": selectors.comments_for(request.user, post),
        "comment_form": comment_form,
        "paused": hooks.posting_pause(request.user),
        "panels": hooks.panels(request, card),
    }
    return render(request, "community/post.html", context, status=status)


@access(WRITE)
@require_POST
def comment(request, post_id: int):
    """A refused comment comes back on the post's page with its text kept and the reason
    under it (the anti-profiling check's question too); only a success redirects."""
    post = selectors.post_for(request.user, post_id)
    form = CommentForm(request.POST)
    too_soon = None
    if form.is_valid():
        try:
            sent = services.add_comment(author=request.user, post=post, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        except DomainError as exc:
            if isinstance(exc, SecondFactorRequired):
                raise
            form.add_error(None, exc.message)
            too_soon = exc if isinstance(exc, RateLimited) else None
        else:
            messages.success(request, _("Your comment will appear once a moderator approves it."))
            # Back at the comment just sent, not at the top of a long page.
            return redirect(f"{reverse('community:post', args=[post.pk])}#comment-{sent.pk}")
    form.fields["body"].widget.attrs["autofocus"] = True  # the page opens at the comment
    page = _post_page(request, post, form, status=200 if form.asks_for_details else 400)
    return _with_retry(page, too_soon)


@access(RESOLVE)
@require_POST
def resolve_post(request, post_id: int):
    """The author marks their post resolved ("Found") or open again."""
    post = selectors.own_post(request.user, post_id)
    form = ResolveForm(request.POST)
    form.is_valid()
    resolved = form.cleaned_data.get("resolved", False)
    done = (
        _("Marked as %(label)s.") % {"label": post.resolved_label.lower()}
        if resolved
        else _("Open again.")
    )
    report_outcome(
        request,
        lambda: services.set_resolved(author=request.user, post=post, resolved=resolved),
        done,
    )
    return redirect("community:post", post_id=post.pk)


EDIT_OUTCOMES = {
    "published": _("Saved. Your neighbors see the corrected post."),
    "waiting": _(
        "Saved. A moderator looks at your edit; meanwhile neighbors see the published post."
    ),
    "pending": _("Saved. Your post goes to a moderator before neighbors see it."),
}


@access(WRITE)
@require_http_methods(["GET", "POST"])
def edit_post(request, post_id: int):
    post = selectors.own_post(request.user, post_id)
    card = selectors.post_page(post, request.user)
    # An edit still waiting is what the author goes on from; a turned-down one is not.
    waiting = card["pending_edit"] and card["pending_edit"]["status"] == "pending"
    shown = card["pending_edit"] if waiting else card
    initial = {"category": shown["category"], "title": shown["title"], "body": shown["body"]}
    form = EditPostForm(request.POST or None, initial=initial, photos=card["media"])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            edited = services.edit_post(
                author=request.user,
                post=post,
                category=data["category"],
                title=data["title"],
                body=data["body"],
                descriptions=form.descriptions(),
                as_written=data["as_written"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, EDIT_OUTCOMES[selectors.edit_outcome(edited, request.user)])
            return redirect("community:post", post_id=post.pk)
    context = {"form": form, "post": card}
    return render(request, "community/edit_post.html", context, status=answered_status(form))


@access(WRITE)
@require_http_methods(["GET", "POST"])
def delete_post(request, post_id: int):
    """GET asks "are you sure?" on a page of its own (no script needed); POST deletes."""
    post = selectors.own_post(request.user, post_id)
    if request.method == "GET":
        card = selectors.post_card(post, request.user)
        return render(request, "community/delete_post.html", {"post": card})
    services.delete_post(author=request.user, post=post)
    messages.success(request, _("Your post is deleted."))
    return redirect("community:feed")


MAP_DEFAULT_PERIOD = "week"


@access(READ)
@require_safe
def map_page(request):
    """The map of the circle, opening on the last 7 days, and the same posts as a list
    under it for people who do not use maps."""
    query = request.GET.copy()
    query.setdefault("period", MAP_DEFAULT_PERIOD)
    filter_form = FeedFilterForm(query)
    if refused := _unknown_filters(request, filter_form, "community:map"):
        return refused
    filters = filter_form.cleaned_data
    context = {
        "filter_form": filter_form,
        "home": home_of(request.user),
        "page": selectors.feed_for(request.user, **filters),
        "query": query.urlencode(),
        "categories": selectors.card_text().categories,
        "live_since": selectors.cursor_at(timezone.now()),
        "points_zoom": selectors.POINTS_ZOOM,
        "map_limit": selectors.MAP_LIMIT,
    }
    return render(request, "community/map.html", context)


def residents_landing(user) -> str | None:
    """accounts.adapters: a resident signing in starts on their feed, or on setting the
    home it needs first."""
    if not can(user, policies.READ):
        return None
    return reverse("community:feed") if home_of(user) else reverse("accounts:home")
