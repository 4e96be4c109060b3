"""Every URL that takes an object's id, tried on an object that is someone else's.

The asker is of the right kind (a resident for residents' URLs, a moderator for the
queue's, an admin for an organization's) but the object is not theirs to reach: the
answer is 404, exactly as for an id that does not exist, and nothing changes. A new
URL with an id must be added to OWNERSHIP (test_every_object_url_has_an_ownership_test).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from commonwatch.accounts import services as accounts
from commonwatch.accounts.models import ApiToken
from commonwatch.accounts.tests.factories import sign_in
from commonwatch.accounts.tests.test_access_matrix import MATRIX, _kwargs_for
from commonwatch.cameras.models import (
    Camera,
    Clip,
    ClipAccess,
    ClipImport,
    ClipRefusal,
    ClipUpload,
    ImportState,
)
from commonwatch.cameras.tests.factories import CameraFactory, clip_of
from commonwatch.cameras.tests.tus_client import TUS, device_token
from commonwatch.community import services as community
from commonwatch.community.alerts import POST_ALERT
from commonwatch.community.models import Comment, Post, Status
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at, submit
from commonwatch.media.models import MediaFile
from commonwatch.media.tests.factories import jpeg_with_gps, upload
from commonwatch.moderation import services as moderation
from commonwatch.moderation.models import Appeal, Flag
from commonwatch.notifications.models import MutedThread
from commonwatch.organizations import services as organizations
from commonwatch.organizations.models import Invitation, Kind, Membership, Role
from commonwatch.organizations.tests.factories import member_of, organization

pytestmark = pytest.mark.django_db


@dataclass
class World:
    """Two neighbors on one street (each sees the other's published posts), a
    moderator, and two agencies with an admin each."""

    owner: object
    neighbor: object
    moderator: object
    admin_a: object
    admin_b: object
    pending: Post
    published: Post
    rejected: Post
    rejected_comment: Comment
    closed_appeal: Appeal
    media: MediaFile
    token: ApiToken
    officer_b: Membership
    invitation_b: Invitation
    muted: MutedThread
    camera: Camera
    clip_import: ClipImport
    clip: Clip
    refusal: ClipRefusal
    clip_upload: ClipUpload


@pytest.fixture
def world(settings) -> World:
    owner, neighbor = resident_at(*CENTER), resident_at(*CENTER)
    mod = moderator()
    pending = submit(owner, uploads=[upload("photo.jpg", jpeg_with_gps())])
    shown = published(owner)
    rejected = submit(owner)
    moderation.reject_post(moderator=mod, post=rejected, reason="No.", rule="false")
    comment = community.add_comment(author=owner, post=shown, body="Seen it too.")
    moderation.reject_comment(moderator=mod, comment=comment, reason="No.", rule="false")
    closed = moderation.appeal(author=owner, comment=comment, statement="It was true.")
    moderation.decide_appeal(moderator=moderator(), appeal=closed, grant=False, answer="Still no.")
    token, _raw = accounts.create_api_token(user=owner, name="mine")
    camera = CameraFactory(owner=owner)
    agency_b = organization(Kind.AGENCY, "Agency B")
    admin_b = member_of(agency_b, Role.ADMIN)
    organizations.invite(admin=admin_b, organization=agency_b, email="someone@example.org")
    return World(
        owner=owner,
        neighbor=neighbor,
        moderator=mod,
        admin_a=member_of(organization(Kind.AGENCY, "Agency A"), Role.ADMIN),
        admin_b=admin_b,
        pending=pending,
        published=shown,
        rejected=rejected,
        rejected_comment=comment,
        closed_appeal=closed,
        media=pending.media.get().media_file,
        token=token,
        officer_b=Membership.objects.get(user=member_of(agency_b)),
        invitation_b=Invitation.objects.get(email="someone@example.org"),
        muted=MutedThread.objects.create(user=owner, kind=POST_ALERT, subject_id=shown.pk),
        camera=camera,
        clip_import=ClipImport.objects.create(
            owner=owner, camera=camera, state=ImportState.RECEIVING
        ),
        clip=clip_of(camera),
        refusal=ClipRefusal.objects.create(
            owner=owner, camera=camera, reason="Not a video.", received_at=timezone.now()
        ),
        clip_upload=_clip_upload(owner),
    )


def _clip_upload(owner) -> ClipUpload:
    """An unfinished upload of the owner's camera, which has a device token."""
    camera = CameraFactory(owner=owner)
    device_token(camera)
    return ClipUpload.objects.create(
        owner=owner,
        camera=camera,
        length=100,
        source="agent",
        part_name="clip-parts/x",
        expires_at=camera.created_at + timedelta(days=1),
    )


def _neighbor_posts(method, path, body=None):
    return "neighbor", method, path, body


# URL → (who asks, method, the URL of someone else's object, body). Paths are formatted
# with the world; API paths are under /api/v1.
OWNERSHIP = {
    "community:post": _neighbor_posts("GET", "/feed/posts/{w.pending.pk}/"),
    "community:edit": _neighbor_posts("POST", "/feed/posts/{w.published.pk}/edit/"),
    "community:delete": _neighbor_posts("POST", "/feed/posts/{w.published.pk}/delete/"),
    "community:comment": _neighbor_posts("POST", "/feed/posts/{w.pending.pk}/comments/"),
    "community:resolve": _neighbor_posts(
        "POST", "/feed/posts/{w.published.pk}/resolved/", {"resolved": "on"}
    ),
    "media:file": _neighbor_posts("GET", "/media/{w.media.pk}/"),
    "media:thumbnail": _neighbor_posts("GET", "/media/{w.media.pk}/thumbnail/"),
    "moderation:flag": _neighbor_posts("POST", "/moderation/posts/{w.pending.pk}/flags/"),
    "moderation:appeal_post": _neighbor_posts("POST", "/moderation/posts/{w.rejected.pk}/appeal/"),
    "moderation:appeal_comment": _neighbor_posts(
        "POST", "/moderation/comments/{w.rejected_comment.pk}/appeal/"
    ),
    "notifications:unmute_thread": _neighbor_posts(
        "POST", "/notifications/muted/{w.muted.pk}/unmute/"
    ),
    "clip_imports:detail": _neighbor_posts("GET", "/clips/import/{w.clip_import.pk}/"),
    "clip_imports:progress": _neighbor_posts("GET", "/clips/import/{w.clip_import.pk}/progress/"),
    "clip_imports:add_files": _neighbor_posts(
        "POST", "/clips/import/{w.clip_import.pk}/files/", {"last": "1"}
    ),
    "accounts:revoke_api_token": _neighbor_posts("POST", "/account/tokens/{w.token.pk}/revoke/"),
    "cameras:camera": _neighbor_posts(
        "POST",
        "/cameras/{w.camera.pk}/",
        {"name": "Mine", "kind": "other", "lat": 1, "lng": 1, "agency_visibility": "exact"},
    ),
    "cameras:zones": _neighbor_posts("POST", "/cameras/{w.camera.pk}/zones/"),
    "cameras:token": _neighbor_posts("POST", "/cameras/{w.camera.pk}/token/", {"action": "rotate"}),
    # The upload's camera has a device token: a revoke let through would show in the snapshot.
    "cameras:revoke_token": _neighbor_posts(
        "POST", "/cameras/{w.clip_upload.camera_id}/token/revoke/"
    ),
    "cameras:remove": _neighbor_posts("POST", "/cameras/{w.camera.pk}/remove/"),
    "GET /cameras/{camera_id}": _neighbor_posts("GET", "/cameras/{w.camera.pk}"),
    "PATCH /cameras/{camera_id}": _neighbor_posts(
        "PATCH", "/cameras/{w.camera.pk}", {"name": "Mine", "agency_visibility": "exact"}
    ),
    "DELETE /cameras/{camera_id}": _neighbor_posts("DELETE", "/cameras/{w.camera.pk}"),
    "POST /cameras/{camera_id}/token": _neighbor_posts("POST", "/cameras/{w.camera.pk}/token"),
    "DELETE /cameras/{camera_id}/token": _neighbor_posts("DELETE", "/cameras/{w.camera.pk}/token"),
    # A neighbor (a camera owner too, or not) on someone else's clip.
    "clips:clip": _neighbor_posts("GET", "/clips/{w.clip.pk}/"),
    "clips:video": _neighbor_posts("GET", "/clips/{w.clip.pk}/video"),
    "clips:download": _neighbor_posts("GET", "/clips/{w.clip.pk}/download"),
    "clips:thumbnail": _neighbor_posts("GET", "/clips/{w.clip.pk}/thumbnail"),
    "clips:delete": _neighbor_posts("POST", "/clips/{w.clip.pk}/delete/"),
    "clips:dismiss_refusal": _neighbor_posts("POST", "/clips/refusals/{w.refusal.pk}/dismiss/"),
    "GET /clips/{clip_id}": _neighbor_posts("GET", "/clips/{w.clip.pk}"),
    "DELETE /clips/{clip_id}": _neighbor_posts("DELETE", "/clips/{w.clip.pk}"),
    "GET /clips/{clip_id}/video": _neighbor_posts("GET", "/clips/{w.clip.pk}/video"),
    "GET /clips/{clip_id}/thumbnail": _neighbor_posts("GET", "/clips/{w.clip.pk}/thumbnail"),
    "DELETE /clip-refusals/{refusal_id}": _neighbor_posts(
        "DELETE", "/clip-refusals/{w.refusal.pk}"
    ),
    "GET /posts/{post_id}": _neighbor_posts("GET", "/posts/{w.pending.pk}"),
    "GET /media/{media_id}": _neighbor_posts("GET", "/media/{w.media.pk}"),
    "GET /media/{media_id}/thumbnail": _neighbor_posts("GET", "/media/{w.media.pk}/thumbnail"),
    "PUT /posts/{post_id}": _neighbor_posts(
        "PUT",
        "/posts/{w.published.pk}",
        {"category": "safety", "title": "Mine now", "body": "Changed."},
    ),
    "DELETE /posts/{post_id}": _neighbor_posts("DELETE", "/posts/{w.published.pk}"),
    "PUT /posts/{post_id}/resolved": _neighbor_posts(
        "PUT", "/posts/{w.published.pk}/resolved", {"resolved": True}
    ),
    "GET /posts/{post_id}/comments": _neighbor_posts("GET", "/posts/{w.pending.pk}/comments"),
    "POST /posts/{post_id}/comments": _neighbor_posts(
        "POST", "/posts/{w.pending.pk}/comments", {"body": "Hello"}
    ),
    "POST /posts/{post_id}/flags": _neighbor_posts(
        "POST", "/posts/{w.pending.pk}/flags", {"reason": "false"}
    ),
    "POST /appeals": _neighbor_posts(
        "POST", "/appeals", {"post_id": "{w.rejected.pk}", "statement": "Not mine, but still."}
    ),
    # An organization's admin, on another organization and its members.
    # tus: a neighbor's session (their own device tokens: cameras/tests/test_tus.py).
    "HEAD /clip-uploads/{upload_id}": _neighbor_posts("HEAD", "/clip-uploads/{w.clip_upload.pk}"),
    "PATCH /clip-uploads/{upload_id}": _neighbor_posts(
        "PATCH", "/clip-uploads/{w.clip_upload.pk}", b"x"
    ),
    "DELETE /clip-uploads/{upload_id}": _neighbor_posts(
        "DELETE", "/clip-uploads/{w.clip_upload.pk}"
    ),
    "organizations:organization": ("admin_a", "GET", "/organizations/agency-b/"),
    "organizations:invite": (
        "admin_a",
        "POST",
        "/organizations/agency-b/invite/",
        {"email": "x@example.org", "role": "member"},
    ),
    "organizations:revoke": (
        "admin_a",
        "POST",
        "/organizations/agency-a/members/{w.officer_b.pk}/revoke/",
    ),
    "organizations:leave": ("admin_a", "POST", "/organizations/agency-b/leave/"),
    "organizations:change_role": (
        "admin_a",
        "POST",
        "/organizations/agency-a/members/{w.officer_b.pk}/role/",
        {"role": "admin"},
    ),
    "organizations:security_keys": ("admin_a", "POST", "/organizations/agency-b/security-keys/"),
    "organizations:withdraw": (
        "admin_a",
        "POST",
        "/organizations/agency-a/invitations/{w.invitation_b.pk}/withdraw/",
    ),
}
# Pages that answer someone else's hidden object exactly as one that does not exist, but
# not with a 404: flagging a post the neighbor cannot see sends them to the feed with
# one message whatever the post's state (docs/moderation.md).
ANSWERED_AS_FOR_NONE = {"moderation:flag": "/moderation/posts/999999/flags/"}
# Object URLs where every object is everyone's of the right kind: any post, comment or
# appeal is any moderator's to decide or claim (the queue has no owner; one decided
# already answers 409, test_queue.py), and so is any author's edit waiting for one; an
# invitation link is its token.
SHARED = {
    "moderation:decide_post",
    "moderation:decide_comment",
    "moderation:decide_appeal",
    "POST /moderation/comments/{comment_id}/decision",
    "POST /moderation/appeals/{appeal_id}/decision",
    "moderation:decide_edit",
    "POST /moderation/edits/{revision_id}/decision",
    "moderation:requeue_post",
    "moderation:claim",
    "POST /moderation/claims/{kind}/{item_id}",
    "DELETE /moderation/claims/{kind}/{item_id}",
    "POST /moderation/posts/{post_id}/decision",
    "organizations:invitation",
    # A signed link names its person itself; a link not made here is "not valid" (404).
    "notifications:unsubscribe",
    "notifications:mute",
}


def _takes_an_object(key: str) -> bool:
    if _is_api(key):
        return "{" in key or key == "POST /appeals"
    return bool(_kwargs_for(key))


def test_every_object_url_has_an_ownership_test():
    object_urls = {key for key in MATRIX if _takes_an_object(key)}

    assert object_urls - set(OWNERSHIP) - SHARED == set(), "add these to OWNERSHIP"


def _is_api(key: str) -> bool:
    return key.split(" ")[0] in ("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE")


def _ask(client: Client, key: str, method: str, path: str, body):
    if not _is_api(key):
        return client.generic(method, path, _form(body), "application/x-www-form-urlencoded")
    if path.startswith("/clip-uploads/"):  # tus: the protocol's headers and body type
        headers = {**TUS, "HTTP_UPLOAD_OFFSET": "0"}
        content_type = "application/offset+octet-stream"
        return client.generic(method, f"/api/v1{path}", body or b"", content_type, **headers)
    if method == "GET":
        return client.get(f"/api/v1{path}")
    return client.generic(method, f"/api/v1{path}", _json(body), "application/json")


def _form(body) -> str:
    return urlencode(body or {})


def _json(body) -> str:
    return json.dumps(body or {})


def _snapshot():
    """What a refused request must leave as it was."""
    return (
        sorted(Post.objects.values_list("pk", "status", "title", "body")),
        sorted(Comment.objects.values_list("pk", "status")),
        Flag.objects.count(),
        sorted(Appeal.objects.values_list("pk", "status")),
        ApiToken.objects.count(),
        sorted(Membership.objects.values_list("pk", "role", "revoked_at")),
        sorted(Membership.objects.values_list("organization__requires_security_keys")),
        sorted(Camera.objects.values_list("pk", "name", "agency_visibility", "token_digest")),
        sorted(ClipImport.objects.values_list("pk", "state")),
        Clip.objects.count(),
        ClipRefusal.objects.count(),
        ClipAccess.objects.count(),
        sorted(ClipUpload.objects.values_list("pk", "offset")),
    )


@pytest.mark.parametrize("key", sorted(OWNERSHIP))
def test_someone_elses_object_is_not_found(client, world, key):
    who, method, path, *body = OWNERSHIP[key]
    body = body[0] if body else None
    path = path.format(w=world)
    if isinstance(body, dict):
        body = {k: int(v.format(w=world)) if "{w." in str(v) else v for k, v in body.items()}
    sign_in(client, getattr(world, who))
    before = _snapshot()

    answer = _ask(client, key, method, path, body)

    if key in ANSWERED_AS_FOR_NONE:
        none = _ask(client, key, method, ANSWERED_AS_FOR_NONE[key], body)
        assert (answer.status_code, answer.get("Location")) == (none.status_code, none["Location"])
    else:
        assert answer.status_code == 404, f"{key}: {answer.status_code}"
    assert _snapshot() == before
    assert world.owner.email.encode() not in answer.content
    assert Post.objects.get(pk=world.published.pk).status == Status.PUBLISHED


PAGE_READS = sorted(k for k, v in OWNERSHIP.items() if v[1] == "GET" and not _is_api(k))


@pytest.mark.parametrize("key", PAGE_READS)
def test_head_on_someone_elses_object_answers_as_get_does(client, world, key):
    """Pages take HEAD wherever they take GET (monitors, link checkers): it must tell a
    stranger no more than GET does."""
    who, _method, path, *_body = OWNERSHIP[key]
    path = path.format(w=world)
    sign_in(client, getattr(world, who))

    head, get = client.head(path), client.get(path)

    assert (head.status_code, head.get("Location")) == (get.status_code, get.get("Location"))
    assert head.content == b""
