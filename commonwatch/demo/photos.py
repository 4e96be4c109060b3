"""Photos on some of the demo's posts, so its cards show thumbnails and its posts a
carousel: drawings (demo.pictures) handed to the media pipeline as an upload is
(media.services.accept_stored), each with a description for its alt text.

Which posts: the demo resident's own, and the newest ones in their circle whose story
has a picture. Seeding again adds nothing once any demo post has a photo.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F

from commonwatch.accounts.models import Home
from commonwatch.community.models import Post, PostMedia, Status
from commonwatch.geo.selectors import within_radius
from commonwatch.media.models import Kind
from commonwatch.media.services import accept_stored, incoming_name
from commonwatch.media.storage import media_storage

from .pictures import street_picture

NEWEST_WITH_PHOTOS = 12
# A story's title: the drawing's subject, and what its description says it shows.
PICTURED = {
    "Lost grey cat": ("cat", "A grey tabby with a green collar on the sidewalk."),
    "Car window smashed": ("cracked car", "Our car by the kerb, its window broken."),
    "Catalytic converter theft": ("car", "The car the converter was cut from."),
    "Van circling slowly": ("van", "The white van, parked for a moment by the kerb."),
    "Downed branch on sidewalk": ("branch", "The branch across the sidewalk."),
    "Streetlight out": ("streetlight", "The streetlight at the corner, dark."),
    "Free tomato seedlings": ("seedlings", "The seedlings on the bench by our gate."),
    "Package taken from porch": ("package", "Where the parcel stood."),
}
DRAWING_NOTE = " (A drawing made for the demo.)"


def seed_photos(reader) -> int:
    """A photo on each chosen post that has none; returns how many were added."""
    if PostMedia.objects.filter(post__author__email__endswith=_domain(reader)).exists():
        return 0
    posts = list(Post.objects.filter(author=reader, title__in=PICTURED))
    posts += _newest_pictured_near(reader)
    for post in posts:
        _add_photo(post)
    return len(posts)


def _domain(reader) -> str:
    return "@" + reader.email.rsplit("@", 1)[1]


def _newest_pictured_near(reader) -> list[Post]:
    home = Home.objects.filter(user=reader).first()
    if home is None:
        return []
    candidates = Post.objects.filter(
        status=Status.PUBLISHED, title__in=PICTURED, media_count=0
    ).exclude(author=reader)
    near = within_radius(candidates, home.lat, home.lng, home.radius_m)
    return sorted(near, key=lambda post: post.published_at, reverse=True)[:NEWEST_WITH_PHOTOS]


def _add_photo(post: Post) -> None:
    subject, description = PICTURED[post.title]
    data = street_picture(post.pk, subject)
    stored = media_storage().save(incoming_name(), ContentFile(data))
    with transaction.atomic():
        PostMedia.objects.create(
            post=post,
            media_file=accept_stored(
                owner=post.author, kind=Kind.PHOTO, upload_name=stored, size=len(data)
            ),
            description=description + DRAWING_NOTE,
        )
        Post.objects.filter(pk=post.pk).update(media_count=F("media_count") + 1)
