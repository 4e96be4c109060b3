from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from commonwatch.community.checks import (
    MAX_BODY_CHARS,
    MAX_COMMENT_CHARS,
    MAX_TITLE_CHARS,
    NEEDS_DETAILS,
)

from .models import Category
from .search import MAX_SEARCH_CHARS

PERSON_HINT = _(
    "Describing a person? Say what they wore and did (clothing and its colours, vehicle, "
    "direction of travel). A description by race or ethnicity alone is not published as is."
)


class AsksForDetails(forms.Form):
    """A form whose text the anti-profiling check may question: the author then sees
    what to add under the text, which is kept, and may send it as written instead."""

    as_written = forms.BooleanField(
        label=_(
            "I have no more details: send it as written, for a moderator to read before "
            "anyone else sees it."
        ),
        required=False,
    )

    @property
    def asks_for_details(self) -> bool:
        return self.has_error("body", NEEDS_DETAILS)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class EditPostForm(AsksForDetails):
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_CHARS)
    body = forms.CharField(
        label=_("What happened"),
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=PERSON_HINT,
    )


class PostForm(EditPostForm):
    lat = forms.FloatField(
        label=_("Latitude"),
        min_value=-90,
        max_value=90,
        error_messages={"required": _("Place the post on the map, or type its latitude.")},
    )
    lng = forms.FloatField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        error_messages={"required": _("Place the post on the map, or type its longitude.")},
    )
    media = MultipleFileField(
        label=_("Photos or a short video (optional)"),
        widget=MultipleFileInput(attrs={"accept": "image/*,video/*,.heic,.heif"}),
        required=False,
        help_text=_(
            "Up to 4 files: photos (JPEG, PNG, WebP or HEIC) up to 10 MB, videos up to 60 s "
            "and 50 MB. Location and every other hidden tag are removed before anyone sees them."
        ),
    )


class CommentForm(AsksForDetails):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=MAX_COMMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FeedFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Category.choices]
    )
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[
            ("", _("Any time")),
            ("day", _("Last 24 hours")),
            ("week", _("Last 7 days")),
            ("month", _("Last 30 days")),
            ("quarter", _("Last 90 days")),
        ],
    )
    q = forms.CharField(
        label=_("Search posts"),
        required=False,
        max_length=MAX_SEARCH_CHARS,
        strip=True,
        error_messages={
            "max_length": _("Search for at most %(limit_value)d characters."),
        },
    )

    def is_filtered(self) -> bool:
        """Whether any filter narrows the feed (so an empty one may be the filters')."""
        return self.is_valid() and any(self.cleaned_data.values())


class ResolveForm(forms.Form):
    resolved = forms.BooleanField(required=False)
