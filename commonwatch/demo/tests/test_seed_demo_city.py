import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from commonwatch.accounts.models import Home, User
from commonwatch.accounts.roles import MFA_REQUIRED_ROLES, Role
from commonwatch.community.models import Comment, Post, Status
from commonwatch.moderation.models import Action, Decision, Flag, Penalty
from commonwatch.moderation.selectors import moderation_log

pytestmark = pytest.mark.django_db


def seed(capsys):
    call_command("seed_demo_city", residents=60, posts=400)
    return capsys.readouterr().out


def test_the_demo_city_has_every_role_homes_posts_and_a_queue(capsys):
    out = seed(capsys)
    for role in Role:
        assert User.objects.filter(role=role).exists()
    for user in User.objects.filter(role__in=MFA_REQUIRED_ROLES):
        assert Authenticator.objects.filter(user=user, type="totp").exists()
        assert f"{user.email}   TOTP secret" in out
    assert Home.objects.count() == 61  # 60 residents and the demo resident
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
