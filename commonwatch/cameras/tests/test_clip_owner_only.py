"""Only a clip's owner can list, watch or download it: every clip page, endpoint and file,
tried on a real clip by everyone else in the cast (another resident, a moderator, an
officer, an operator, a visitor), through the media URLs and the operator's admin too."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.utils import timezone

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.cameras import clips
from commonwatch.cameras.models import Clip, ClipAccess, ClipRefusal
from commonwatch.core.errors import NotFound
from commonwatch.media.storage import media_storage

from .factories import CameraFactory, clip_of

pytestmark = pytest.mark.django_db

OTHERS = ("visitor", "resident", "moderator", "officer_a", "oversight", "legal", "operator")


@pytest.fixture
def clip():
    camera = CameraFactory(name="Porch")
    return clip_of(camera)


@pytest.fixture
def refusal(clip):
    return ClipRefusal.objects.create(
        owner=clip.owner, camera=clip.camera, reason="Not a video.", received_at=timezone.now()
    )


def urls(clip, refusal) -> list[tuple[str, str]]:
    return [
        ("GET", f"/clips/{clip.pk}/"),
        ("GET", f"/clips/{clip.pk}/video"),
        ("GET", f"/clips/{clip.pk}/download"),
        ("GET", f"/clips/{clip.pk}/thumbnail"),
        ("GET", f"/clips/{clip.pk}/delete/"),
        ("POST", f"/clips/{clip.pk}/delete/"),
        ("POST", f"/clips/refusals/{refusal.pk}/dismiss/"),
        ("GET", f"/api/v1/clips/{clip.pk}"),
        ("GET", f"/api/v1/clips/{clip.pk}/video"),
        ("GET", f"/api/v1/clips/{clip.pk}/thumbnail"),
        ("DELETE", f"/api/v1/clips/{clip.pk}"),
        ("DELETE", f"/api/v1/clip-refusals/{refusal.pk}"),
        ("GET", f"/media/{clip.media_id}/"),
        ("GET", f"/media/{clip.media_id}/thumbnail/"),
    ]


def _refused(response, who: str) -> bool:
    if who == "visitor":
        return response.status_code == 401 or "/accounts/login/" in response.get("Location", "")
    return response.status_code in (403, 404)


@pytest.mark.parametrize("who", OTHERS)
def test_nobody_but_the_owner_reaches_a_clip_its_file_or_its_refusal(
    client, cast, clip, refusal, who
):
    if cast[who] is not None:
        sign_in(client, cast[who])
    stored = media_storage().open(clip.media.name).read()

    for method, url in urls(clip, refusal):
        answer = client.generic(method, url)
        assert _refused(answer, who), f"{who} got {answer.status_code} on {method} {url}"
        body = b"".join(answer.streaming_content) if answer.streaming else answer.content
        assert stored[:64] not in body and b"Porch" not in body

    assert Clip.objects.filter(pk=clip.pk).exists() and ClipRefusal.objects.exists()
    assert not ClipAccess.objects.exists()


@pytest.mark.parametrize("who", OTHERS)
def test_nobody_but_the_owner_finds_the_clip_in_a_list(client, cast, clip, who):
    if cast[who] is not None:
        sign_in(client, cast[who])

    page = client.get("/clips/")
    listed = client.get("/api/v1/clips")
    refusals = client.get("/api/v1/clip-refusals")

    for answer in (page, listed, refusals):
        assert f"/clips/{clip.pk}/".encode() not in answer.content
        assert b"Porch" not in answer.content


def test_the_owner_reaches_every_one_of_them(client, clip, refusal):
    sign_in(client, clip.owner)

    for method, url in urls(clip, refusal)[:5] + urls(clip, refusal)[7:10]:
        assert client.generic(method, url).status_code in (200, 206), url
    listed = client.get("/api/v1/clips").json()
    assert [c["id"] for c in listed["clips"]] == [clip.pk]


def test_even_the_owner_gets_a_clip_only_through_the_clip_urls_which_keep_its_history(client, clip):
    """The generic media URLs would skip the access history: they do not serve clips."""
    sign_in(client, clip.owner)

    assert client.get(f"/media/{clip.media_id}/").status_code == 404
    assert client.get(f"/media/{clip.media_id}/thumbnail/").status_code == 404


def test_stored_clip_files_have_no_public_address(client, settings, clip):
    root = str(settings.MEDIA_ROOT)
    for path in (f"/{clip.media.name}", f"/media/{clip.media.name}", f"/{root}/{clip.media.name}"):
        assert client.get(path).status_code == 404


def test_the_operators_admin_shows_no_camera_clip_or_access_history(client, cast, clip):
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert not {label for label in registered if label.startswith("cameras.")}

    sign_in(client, cast["operator"])
    for model in ("clip", "camera", "clipaccess", "clipkeeping", "clipupload", "cliprefusal"):
        answer = client.get(f"/admin/cameras/{model}/")
        assert answer.status_code == 404, model
    assert client.get(f"/admin/media/mediafile/{clip.media_id}/change/").status_code == 404
    assert b"/admin/cameras/" not in client.get("/admin/").content


def test_the_services_themselves_refuse_anyone_but_the_owner(clip, refusal, cast):
    for someone in (cast["resident"], cast["operator"]):
        with pytest.raises(NotFound):
            clips.delete_clip(owner=someone, clip=clip)
        with pytest.raises(NotFound):
            clips.dismiss_refusal(owner=someone, refusal=refusal)

    assert Clip.objects.filter(pk=clip.pk).exists() and ClipRefusal.objects.exists()
