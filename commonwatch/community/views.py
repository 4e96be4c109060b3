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
def preview(request):
    """What the resident's circle holds, right after they set their home; newcomers
    (welcome=1) go on to choose how they are told, then to the feed."""
    context = {
        "preview": selectors.preview_for(request.user),
        "home": home_of(request.user),
        "welcome": request.GET.get("welcome") == "1",
    }
    return render(request, "community/preview.html", context)


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
                uploads=data["media"],
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
    card = selectors.post_card(post, request.user)
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


@access(WRITE)
@require_http_methods(["GET", "POST"])
def edit_post(request, post_id: int):
    post = selectors.own_post(request.user, post_id)
    initial = {"category": post.category, "title": post.title, "body": post.body}
    form = EditPostForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_post(author=request.user, post=post, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Saved. Your post goes back to moderation."))
            return redirect("community:post", post_id=post.pk)
    return render(request, "community/edit_post.html", {"form": form, "post": post})


@access(WRITE)
@require_POST
def delete_post(request, post_id: int):
    post = selectors.own_post(request.user, post_id)
    services.delete_post(author=request.user, post=post)
    messages.success(request, _("Your post is deleted."))
    return redirect("community:feed")


@access(READ)
@require_GET
def map_page(request):
    filter_form = FeedFilterForm(request.GET)
    if refused := _unknown_filters(filter_form):
        return refused
    context = {"filter_form": filter_form, "home": home_of(request.user)}
    return render(request, "community/map.html", context)
