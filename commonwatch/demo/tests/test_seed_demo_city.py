import tempfile
from datetime import timedelta
from pathlib import Path

import av
import numpy as np
import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.utils import timezone

from commonwatch.accounts.models import Home, User
from commonwatch.cameras.models import Camera, Clip
from commonwatch.community.models import Comment, Post, Status
from commonwatch.demo.cameras import CLIPS_PER_CAMERA, DEMO_CAMERAS
from commonwatch.demo.videos import moving_shapes
from commonwatch.geo.distance import haversine_m
from commonwatch.geo.places import place_cell
from commonwatch.geo.selectors import place_labels
from commonwatch.moderation.models import Action, Appeal, Decision, Flag, Penalty
from commonwatch.moderation.policies import why_not_decider
from commonwatch.moderation.selectors import moderation_log
from commonwatch.organizations.models import Kind, Membership, Organization

pytestmark = pytest.mark.django_db


def seed(capsys):
    call_command("seed_demo_city", residents=60, posts=400)
    return capsys.readouterr().out


def test_the_demo_city_has_its_organizations_staff_homes_posts_and_a_queue(capsys):
    out = seed(capsys)
    assert {o.kind for o in Organization.objects.all()} == set(Kind.values)
    agency = Organization.objects.get(kind=Kind.AGENCY)
    assert agency.area["type"] == "Polygon"
    assert sorted(agency.memberships.values_list("role", flat=True)) == [
        "admin",
        "member",
        "member",
    ]
    moderators = User.objects.filter(memberships__organization__kind=Kind.MODERATION)
    assert moderators.exists() and all(Home.objects.filter(user=u).exists() for u in moderators)
    staff = User.objects.filter(pk__in=Membership.objects.values("user")) | User.objects.filter(
        role="operator"
    )
    assert staff.count() == 8
    for user in staff:
        assert user.staff_rules_apply
        assert Authenticator.objects.filter(user=user, type="totp").exists()
        assert f"{user.email}   " in out
    assert out.count("TOTP secret") == 8
    # 60 residents, and the demo resident, both moderators and the officers
    assert Home.objects.count() == 65
    assert Post.objects.count() == 400
    assert Post.objects.filter(status=Status.PENDING).exists()
    assert Comment.objects.exists() and Flag.objects.exists()
    assert not Comment.objects.filter(created_at__gt=timezone.now()).exists()
    assert len({p.category for p in Post.objects.all()}) == 6


def test_the_demo_city_has_a_moderation_history_for_the_public_log(capsys):
    seed(capsys)
    rejections = Decision.objects.filter(action=Action.REJECT)
    assert rejections.exists() and not rejections.filter(rule="").exists()
    assert Penalty.objects.count() == rejections.count()
    assert sum(month.rejected for month in moderation_log().months) == rejections.count()


def test_the_demo_city_has_a_second_moderator_for_appeals(capsys):
    """The history's moderator rejected every post it rejected; a demo with them alone
    showed open appeals that nobody could decide."""
    out = seed(capsys)
    rejections = Decision.objects.filter(action=Action.REJECT)
    assert rejections.exists()
    moderators = User.objects.filter(memberships__organization__kind=Kind.MODERATION)
    for rejection in rejections:
        appeal = Appeal(rejection=rejection, author_id=rejection.post.author_id)
        assert any(why_not_decider(m, "appeal", appeal) is None for m in moderators)
    assert "moderator2@demo.commonwatch.test   Moderator, Riverside Neighbors" in out


def test_the_demo_people_have_lived_there_a_while(capsys):
    """The demo resident is an established neighbor with their own resolved post, and
    every seeded neighbor joined before anything they wrote."""
    from commonwatch.moderation.trust import is_established

    seed(capsys)
    reader = User.objects.get(email="resident@demo.commonwatch.test")
    own = Post.objects.get(author=reader)

    assert is_established(reader)  # an established account's pace (moderation.pace)
    assert own.status == Status.PUBLISHED and own.resolved_at is not None
    assert not Post.objects.filter(
        author__date_joined__gt=timezone.now() - timedelta(days=90)
    ).exists()
    assert not Comment.objects.filter(
        author__date_joined__gt=timezone.now() - timedelta(days=90)
    ).exists()


def test_some_demo_posts_have_photos_through_the_real_pipeline(
    capsys, django_capture_on_commit_callbacks
):
    """Cards show thumbnails and posts a carousel in the demo: drawn photos, processed as
    uploads are, each described for its alt text; the resident's own post has one."""
    from commonwatch.community.models import PostMedia

    with django_capture_on_commit_callbacks(execute=True):  # the worker's turn, inline
        seed(capsys)
    photos = PostMedia.objects.select_related("media_file", "post")
    reader = User.objects.get(email="resident@demo.commonwatch.test")

    assert photos.filter(post__author=reader).count() == 1
    assert photos.count() > 1
    for photo in photos:
        assert photo.media_file.is_ready, photo.media_file.error
        assert photo.media_file.thumbnail_name and photo.description.endswith("for the demo.)")
        assert photo.post.media_count == 1


def test_the_posts_flags_took_off_the_feed_were_flagged_by_established_neighbors(capsys):
    """As the rule the queue states: flags hide a post only from established accounts."""
    from commonwatch.moderation.trust import ESTABLISHED_FLAGS_TO_HIDE, established_flaggers

    seed(capsys)
    requeued = Post.objects.filter(decisions__action=Action.REQUEUE)

    assert requeued.exists()
    assert all(established_flaggers(p) >= ESTABLISHED_FLAGS_TO_HIDE for p in requeued)


def test_seeding_twice_adds_nothing(capsys):
    seed(capsys)
    counts = (User.objects.count(), Post.objects.count(), Comment.objects.count())
    seed(capsys)
    assert (User.objects.count(), Post.objects.count(), Comment.objects.count()) == counts
    assert all(post.media.count() <= 1 for post in Post.objects.filter(media_count__gt=0))


def test_every_published_post_of_the_demo_is_named_from_its_streets(capsys):
    seed(capsys)
    cells = {place_cell(p.lat, p.lng) for p in Post.objects.filter(status=Status.PUBLISHED)}
    labels = place_labels(cells)
    assert set(labels) == cells
    assert all(" St & " in label and label.endswith(" Ave") for label in labels.values())


def test_demo_residents_have_cameras_by_their_homes_with_generated_clips_of_recent_days(
    capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the worker's turn, inline
        out = seed(capsys)
    owners = {c.owner.email.split("@")[0] for c in Camera.objects.select_related("owner")}
    assert owners == set(DEMO_CAMERAS)
    for camera in Camera.objects.select_related("owner__home"):
        home = camera.owner.home
        assert 1 <= camera.owner.cameras.count() <= 3
        assert haversine_m(home.lat, home.lng, camera.exact_lat, camera.exact_lng) < 50
        assert (camera.lat, camera.lng) != (camera.exact_lat, camera.exact_lng)
    clips = Clip.objects.select_related("media")
    assert clips.count() == CLIPS_PER_CAMERA * Camera.objects.count()
    week_ago = timezone.now() - timedelta(days=7)
    for clip in clips:
        assert week_ago < clip.recorded_at < timezone.now()
        assert clip.media.is_ready, clip.media.error  # through the real pipeline
        assert 2.5 < clip.media.duration_s < 3.5 and clip.media.thumbnail_name
    assert len({clip.received_sha256 for clip in clips}) == clips.count()
    assert "with cameras and clips: resident, moderator" in out


def test_the_generated_clips_show_motion():
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "clip.mp4"
        path.write_bytes(moving_shapes(1))
        with av.open(str(path)) as container:
            frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == 30
    changed = np.abs(frames[0].astype(int) - frames[-1].astype(int)).sum(axis=-1) > 60
    assert 0.02 < changed.mean() < 0.5  # shapes moved; the scene stayed


def test_seeding_twice_adds_no_cameras_or_clips(capsys):
    seed(capsys)
    counts = (Camera.objects.count(), Clip.objects.count())
    seed(capsys)
    assert (Camera.objects.count(), Clip.objects.count()) == counts
