"""Feed, post and map pages for residents: each calls one service or selector."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from commonwatch.accounts.access import access, needs
from commonwatch.accounts.selectors import home_of
from commonwatch.core.forms import add_errors
from commonwatch.core.outcomes import report_outcome
from commonwatch.geo.approximate import approximate_location
from commonwatch.notifications.services import mark_read

from . import hooks, policies, selectors, services
from .alerts import POST_ALERT
from .forms import CommentForm, EditPostForm, FeedFilterForm, PostForm

READ = needs(policies.READ)
WRITE = needs(policies.WRITE)
REVIEW = needs(policies.REVIEW)


def _unknown_filters(filter_form: FeedFilterForm):
    """A 400 naming the filters whose value is not one offered, or None if all are."""
    if filter_form.is_valid():
        return None
    fields = ", ".join(filter_form.errors)
    return HttpResponseBadRequest(
        _("Unknown value for the filter: %(fields)s") % {"fields": fields}
    )


@access(READ)
@require_GET
def feed(request):
    filter_form = FeedFilterForm(request.GET)
    if refused := _unknown_filters(filter_form):
        return refused
    filters = filter_form.cleaned_data
    try:
        page = selectors.feed_for(request.user, cursor=request.GET.get("cursor"), **filters)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    if not request.GET.get("cursor"):
        mark_read(user=request.user, kind=POST_ALERT)
    context = {
        "page": page,
        "filter_form": filter_form,
        "home": home_of(request.user),
        "query": request.GET.urlencode(),
        "filters": filters,
        # A live socket that reconnects asks for what was published since then.
        "live_since": selectors.cursor_at(timezone.now()),
    }
    template = (
        "community/_feed_page.html"
        if request.headers.get("HX-Request") == "true"
        else "community/feed.html"
    )
    return render(request, template, context)


@access(WRITE)
@require_http_methods(["GET", "POST"])
def new_post(request):
    """The author places the post themselves: the map opens on their home's ~100 m cell,
    never on the exact home, which the post's public point could otherwise reveal."""
    home = home_of(request.user)
    form = PostForm(request.POST or None, request.FILES or None)
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
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Thanks! A moderator will review your post shortly."))
            return redirect("community:post", post_id=post.pk)
    context = {
        "form": form,
        "center": approximate_location(home.lat, home.lng) if home else None,
        "paused": hooks.posting_pause(request.user),
    }
    return render(request, "community/new_post.html", context)


@access(READ)
@require_GET
def post_detail(request, post_id: int):
    post = selectors.post_for(request.user, post_id)
    card = selectors.post_page(post, request.user)
    context = {
        "post": card,
        "comments": selectors.comments_for(request.user, post),
        "comment_form": CommentForm(),
        "paused": hooks.posting_pause(request.user),
        "panels": hooks.panels(request, card),
    }
    return render(request, "community/post.html", context)


def _act_on_post(request, post_id: int, form_class, act, success: str, invalid: str = ""):
    """A resident's POST about a post they may see: validate, act, report, back to the post."""
    post = selectors.post_for(request.user, post_id)
    form = form_class(request.POST)
    if form.is_valid():
        report_outcome(request, lambda: act(post, form.cleaned_data), success)
    elif invalid:
        messages.error(request, invalid)
    return redirect("community:post", post_id=post.pk)


@access(WRITE)
@require_POST
def comment(request, post_id: int):
    return _act_on_post(
        request,
        post_id,
        CommentForm,
        lambda post, data: services.add_comment(author=request.user, post=post, **data),
        _("Your comment will appear once a moderator approves it."),
        invalid=_("Write a comment of at most 1000 characters."),
    )


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
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, EDIT_OUTCOMES[selectors.edit_outcome(edited, request.user)])
            return redirect("community:post", post_id=post.pk)
    return render(request, "community/edit_post.html", {"form": form, "post": card})


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


@access(REVIEW)
@require_POST
def decide_edit(request, revision_id: int):
    """A moderator applies an author's edit or turns it down with a note."""
    revision = selectors.edit_in_queue(request.user, revision_id)
    if request.POST.get("action") == "approve":
        act, done = (
            lambda: services.approve_edit(moderator=request.user, revision=revision),
            _("Edit applied: neighbors see the new text."),
        )
    else:
        act, done = (
            lambda: services.reject_edit(
                moderator=request.user, revision=revision, note=request.POST.get("note", "")
            ),
            _("Edit turned down: the published text stays."),
        )
    report_outcome(request, act, done)
    return redirect("moderation:queue")


@access(READ)
@require_GET
def map_page(request):
    filter_form = FeedFilterForm(request.GET)
    if refused := _unknown_filters(filter_form):
        return refused
    context = {"filter_form": filter_form, "home": home_of(request.user)}
    return render(request, "community/map.html", context)
