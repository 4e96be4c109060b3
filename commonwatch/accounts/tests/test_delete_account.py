"""Deleting one's account anonymises it: the person chooses whether what they wrote is
removed or stays as "a former neighbor"; nobody else's words and no public record
change, and files go once the deletion is committed."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.db.models import ProtectedError
from django.test import TestCase
from django.urls import reverse

from commonwatch.accounts import services, throttle
from commonwatch.accounts.closing import WhatTheyWrote
from commonwatch.accounts.models import ApiToken, Home, User
from commonwatch.accounts.tests.factories import PASSWORD, HomeFactory, UserFactory, sign_in
from commonwatch.audit.models import AuditEntry
from commonwatch.audit.selectors import verify_chain
from commonwatch.community import selectors as community_selectors
from commonwatch.community import services as community
from commonwatch.community.models import Comment, Post, Status
from commonwatch.community.tests.factories import CENTER, moderator, published, resident_at, submit
from commonwatch.media.storage import media_storage
from commonwatch.media.tests.factories import jpeg_with_gps, upload
from commonwatch.moderation import services as moderation
from commonwatch.moderation.models import Appeal, AppealStatus
from commonwatch.moderation.selectors import moderation_log
from commonwatch.organizations.models import Membership

pytestmark = pytest.mark.django_db


def delete_through_the_page(client, user, choice):
    client.force_login(user)
    with TestCase.captureOnCommitCallbacks(execute=True) as after_commit:
        response = client.post(
            reverse("accounts:delete"), {"password": PASSWORD, "what_they_wrote": choice}
        )
    return response, after_commit


class Street:
    """A leaving resident who wrote a post (with a photo) and a comment, a neighbor who
    answered on their post, and one rejected post of theirs under appeal."""

    def __init__(self):
        self.mod = moderator()
        self.leaving, self.neighbor = resident_at(*CENTER), resident_at(*CENTER)
        self.post = published(self.leaving, self.mod, uploads=[upload("a.jpg", jpeg_with_gps())])
        self.neighbors_post = published(self.neighbor, self.mod)
        self.reply = self._published_comment(self.neighbor, self.post, "Thanks for this.")
        self.comment = self._published_comment(self.leaving, self.neighbors_post, "Saw it too.")
        rejected = submit(self.leaving, title="Unkind", body="Something unkind.")
        moderation.reject_post(moderator=self.mod, post=rejected, reason="No.", rule="harassment")
        self.appeal = moderation.appeal(author=self.leaving, post=rejected, statement="Please.")
        self.photo = self.post.media.get().media_file.name

    def _published_comment(self, author, post, body):
        comment = community.add_comment(author=author, post=post, body=body)
        return moderation.approve_comment(moderator=self.mod, comment=comment)


def test_the_page_says_what_will_happen_and_asks_to_choose(client):
    street = Street()
    client.force_login(street.leaving)

    page = client.get(reverse("accounts:delete")).content.decode()
    unchosen = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert "What you wrote: 2 posts and 1 comment." in page
    assert "Other people's comments on your posts are not deleted." in page
    assert "a former neighbor" in page
    assert unchosen.status_code == 400 and b"This field is required." in unchosen.content
    assert User.objects.get(pk=street.leaving.pk).is_active


def test_a_wrong_password_deletes_nothing(client, resident):
    HomeFactory(user=resident)
    client.force_login(resident)

    response = client.post(
        reverse("accounts:delete"), {"password": "not mine", "what_they_wrote": "remove"}
    )

    assert b"That is not your password." in response.content
    assert Home.objects.filter(user=resident).exists()
    assert client.get(reverse("accounts:home")).status_code == 200, "still signed in"


def test_removing_takes_their_words_down_and_leaves_everyone_elses(client):
    street = Street()
    log_before = moderation_log()
    storage = media_storage()

    response, after_commit = delete_through_the_page(client, street.leaving, "remove")

    assert response.status_code == 302
    post = Post.objects.get(pk=street.post.pk)
    assert (post.status, post.title, post.body, post.exact_lat) == (Status.DELETED, "", "", None)
    assert after_commit, "the photo's deletion waited for the commit"
    assert street.photo and not storage.exists(street.photo)
    comment = Comment.objects.get(pk=street.comment.pk)
    assert (comment.status, comment.body) == (Status.DELETED, "")
    assert Post.objects.get(pk=street.neighbors_post.pk).comment_count == 0
    reply = Comment.objects.get(pk=street.reply.pk)
    assert (reply.status, reply.body) == (Status.PUBLISHED, "Thanks for this.")
    assert moderation_log() == log_before
    assert Appeal.objects.get(pk=street.appeal.pk).status == AppealStatus.WITHDRAWN


def test_keeping_signs_their_words_a_former_neighbor(client):
    street = Street()
    log_before = moderation_log()

    delete_through_the_page(client, street.leaving, "keep")

    post = Post.objects.get(pk=street.post.pk)
    assert post.status == Status.PUBLISHED and post.exact_lat is None
    card = community_selectors.post_card(post, street.neighbor)
    assert card["author"] == "A former neighbor"
    thread = community_selectors.comments_for(street.neighbor, street.neighbors_post)
    assert [c["author"] for c in thread] == ["A former neighbor"]
    assert Comment.objects.get(pk=street.reply.pk).body == "Thanks for this."
    assert moderation_log() == log_before


def test_everything_personal_is_erased_and_the_address_is_free_again(client, resident):
    HomeFactory(user=resident)
    _token, raw = services.create_api_token(user=resident, name="script")
    services.enroll_totp(user=resident, secret="JBSWY3DPEHPK3PXP")
    email = resident.email

    response, _after = delete_through_the_page(client, resident, "remove")

    assert response["Location"] == reverse("web:home")
    closed = User.objects.get(pk=resident.pk)
    assert (closed.email, closed.is_active, closed.has_usable_password()) == (
        f"former-neighbor-{resident.pk}@closed.invalid",
        False,
        False,
    )
    assert closed.closed_at is not None
    for model in (Home, ApiToken, Authenticator):
        assert not model.objects.filter(user_id=resident.pk).exists()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    login = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert login.status_code == 200, "the deleted account cannot sign in"
    assert UserFactory(email=email).pk != resident.pk


def test_the_deletion_is_audited_without_the_address_and_the_chain_holds(client, resident):
    delete_through_the_page(client, resident, "keep")

    entry = AuditEntry.objects.get(action="accounts.account.deleted")
    assert (entry.actor_id, entry.data) == (resident.pk, {"posts_and_comments": "keep"})
    assert resident.email not in str(entry.data)
    assert verify_chain()[1] is None


def test_a_staff_member_leaves_their_organizations_on_the_record(client, cast):
    officer = cast["officer_a"]
    sign_in(client, officer)

    response = client.post(
        reverse("accounts:delete"), {"password": PASSWORD, "what_they_wrote": "remove"}
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=officer)
    assert (membership.revoked_at is not None, membership.revoked_by_id) == (True, officer.pk)
    revoked = AuditEntry.objects.filter(action="organizations.membership.revoked").get()
    assert revoked.actor_id == officer.pk


def test_an_account_cannot_be_deleted_twice_or_cascaded_away(resident):
    submit(resident)
    services.delete_account(user=resident, what_they_wrote=WhatTheyWrote.KEEP)

    with pytest.raises(Exception, match="already deleted"):
        services.delete_account(user=resident, what_they_wrote=WhatTheyWrote.KEEP)
    with pytest.raises(ProtectedError):
        User.objects.filter(pk=resident.pk).delete()


def test_the_password_on_the_delete_page_cannot_be_guessed_fast(client, monkeypatch):
    """Whoever borrows a signed-in browser gets sign-in's waits, not an unlimited oracle."""
    monkeypatch.setattr(throttle, "now", lambda: 1_900_000_000.0)  # the wait never passes
    user = UserFactory()
    client.force_login(user)
    page = reverse("accounts:delete")
    choice = WhatTheyWrote.REMOVE
    for n in range(throttle.FREE_FAILURES):
        wrong = client.post(page, {"password": f"guess {n}", "what_they_wrote": choice})
        assert "That is not your password." in wrong.content.decode()

    right = client.post(page, {"password": PASSWORD, "what_they_wrote": choice})

    assert "Too many wrong passwords. Try again in 1 second." in right.content.decode()
    assert User.objects.filter(pk=user.pk, is_active=True).exists()
