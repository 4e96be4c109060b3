from __future__ import annotations

from datetime import timedelta, timezone

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from commonwatch.community.checks import (
    MAX_BODY_CHARS,
    MAX_COMMENT_CHARS,
    MAX_TITLE_CHARS,
    NEEDS_DETAILS,
)

from .models import MAX_DESCRIPTION_CHARS, Category
from .search import MAX_SEARCH_CHARS, search_words

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
        """The check asked about the text or any photo description (the as-written
        choice is shown once, under the first field it asked about)."""
        return any(
            self.has_error(name, NEEDS_DETAILS)
            for name in self.fields
            if name == "body" or name.startswith("description_")
        )

    @property
    def asks_about_body(self) -> bool:
        return self.has_error("body", NEEDS_DETAILS)


MAX_MEDIA_FILES = 4


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


CHOOSE_CATEGORY = _("Choose a category: none is picked for you.")


def description_field(label) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_DESCRIPTION_CHARS,
    )


class EditPostForm(AsksForDetails):
    """The text of a post, and a description for each of its photos (`photos`: the
    post's media cards, whose descriptions start the fields)."""

    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", _("Choose a category")), *Category.choices],
        error_messages={"required": CHOOSE_CATEGORY},
    )
    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_CHARS)
    body = forms.CharField(
        label=_("What happened"),
        max_length=MAX_BODY_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=PERSON_HINT,
    )

    def __init__(self, *args, photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.photos = [p for p in photos if p["kind"] == "photo"]
        for number, photo in enumerate(self.photos, start=1):
            field = description_field(_("Description of photo %(n)d") % {"n": number})
            field.initial = photo["description"]
            self.fields[f"description_{photo['id']}"] = field

    def field_for(self, name: str, error) -> str | None:
        """The description field of the photo a service's error names (core.forms)."""
        photo = (getattr(error, "params", None) or {}).get("photo")
        return f"description_{photo}" if name == "descriptions" and photo is not None else None

    def photo_fields(self):
        """(photo card, its bound description field) pairs, for the template."""
        return [(photo, self[f"description_{photo['id']}"]) for photo in self.photos]

    def descriptions(self) -> dict[int, str]:
        return {
            photo["id"]: self.cleaned_data[f"description_{photo['id']}"] for photo in self.photos
        }


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
    occurred_at = forms.DateTimeField(
        label=_("When did it happen?"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Leave it empty if it is happening now. At most 30 days ago."),
    )
    # Minutes east of UTC of the author's device, set by the page's script so that the
    # time they type is read in their zone; without it, the site's zone.
    utc_offset = forms.IntegerField(
        required=False,
        min_value=-14 * 60,
        max_value=14 * 60,
        widget=forms.HiddenInput,
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"),
            _("This page could not tell your device's time zone: reload it, then send again."),
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One description per file chosen, in order; the page's script shows those in use.
        for index in range(MAX_MEDIA_FILES):
            self.fields[f"description_{index}"] = description_field(
                _("Description of photo %(n)d") % {"n": index + 1}
            )
        self.fields["media"].widget.attrs.update(
            {
                "data-max-photo-bytes": settings.MEDIA_MAX_PHOTO_BYTES,
                "data-max-video-bytes": settings.MEDIA_MAX_VIDEO_BYTES,
            }
        )

    def description_fields(self):
        return [self[f"description_{index}"] for index in range(MAX_MEDIA_FILES)]

    def descriptions(self) -> list[str]:
        """The descriptions in the order of the files, up to the last one written."""
        texts = [self.cleaned_data[f"description_{i}"] for i in range(MAX_MEDIA_FILES)]
        while texts and not texts[-1]:
            texts.pop()
        return texts

    def clean(self):
        """The time typed is the author's wall clock: read it in their zone when known."""
        data = super().clean()
        when, offset = data.get("occurred_at"), data.get("utc_offset")
        if when is not None and offset is not None:
            zone = timezone(timedelta(minutes=offset))
            data["occurred_at"] = when.replace(tzinfo=None).replace(tzinfo=zone)
        return data


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

    def clean_q(self) -> str:
        """The words' own limits (how many) are the field's, so every page that reads
        this form refuses them by name rather than failing while it searches."""
        q = self.cleaned_data["q"]
        try:
            search_words(q)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="too_many_words") from None
        return q

    def is_filtered(self) -> bool:
        """Whether any filter narrows the feed (so an empty one may be the filters')."""
        return self.is_valid() and any(self.cleaned_data.values())


class ResolveForm(forms.Form):
    resolved = forms.BooleanField(required=False)
