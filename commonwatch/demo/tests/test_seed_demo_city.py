import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from commonwatch.accounts.models import Home, User
from commonwatch.community.models import Comment, Post, Status
from commonwatch.geo.places import place_cell
from commonwatch.geo.selectors import place_labels
from commonwatch.moderation.models import Action, Decision, Flag, Penalty
from commonwatch.moderation.selectors import moderation_log
from commonwatch.organizations.models import Kind, Membership, Organization

pytestmark = pytest.mark.django_db


def seed(capsys):
    call_command("seed_demo_city", residents=60, posts=400)
    return capsys.readouterr().out


def test_the_demo_city_has_its_organisations_staff_homes_posts_and_a_queue(capsys):
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
    assert staff.count() == 7
    for user in staff:
        assert user.staff_rules_apply
        assert Authenticator.objects.filter(user=user, type="totp").exists()
        assert f"{user.email}   " in out
    assert out.count("TOTP secret") == 7
    assert Home.objects.count() == 64  # 60 residents, and the demo resident, moderator, officers
    assert Post.objects.count() == 400
    assert Post.objects.filter(status=Status.PENDING).exists()
    assert Comment.objects.exists() and Flag.objects.exists()
    assert len({p.category for p in Post.objects.all()}) == 6


def test_the_demo_city_has_a_moderation_history_for_the_public_log(capsys):
    seed(capsys)
    rejections = Decision.objects.filter(action=Action.REJECT)
    assert rejections.exists() and not rejections.filter(rule="").exists()
    assert Penalty.objects.count() == rejections.count()
    assert sum(month.rejected for month in moderation_log().months) == rejections.count()


def test_seeding_twice_adds_nothing(capsys):
    seed(capsys)
    counts = (User.objects.count(), Post.objects.count(), Comment.objects.count())
    seed(capsys)
    assert (User.objects.count(), Post.objects.count(), Comment.objects.count()) == counts


def test_every_published_post_of_the_demo_is_named_from_its_streets(capsys):
    seed(capsys)
    cells = {place_cell(p.lat, p.lng) for p in Post.objects.filter(status=Status.PUBLISHED)}
    labels = place_labels(cells)
    assert set(labels) == cells
    assert all(" St & " in label and label.endswith(" Ave") for label in labels.values())
