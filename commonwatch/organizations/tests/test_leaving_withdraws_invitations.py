"""A person who leaves an organization takes its waiting invitations along: those
addressed to them (an admin invitation would bring them back) and those they sent
(an ex-admin's picks would still join)."""

from __future__ import annotations

import pytest

from commonwatch.accounts.services import delete_account
from commonwatch.accounts.tests.factories import UserFactory, sign_in
from commonwatch.organizations.models import Invitation, Membership, Role
from commonwatch.organizations.services import revoke_membership
from commonwatch.organizations.tests.factories import member_of
from commonwatch.organizations.tests.steps import (
    accept,
    audited,
    client_for,
    invitation_link,
    invite,
    token_in,
)

pytestmark = pytest.mark.django_db


def test_a_removed_officer_cannot_come_back_through_a_waiting_admin_invitation(
    client, agency_admin, mailoutbox
):
    agency = agency_admin.memberships.get().organization
    sign_in(client, agency_admin)
    invite(client, agency, "officer@example.org", Role.ADMIN)
    token = token_in(mailoutbox[-1])
    officer = member_of(agency, user=UserFactory(email="officer@example.org"))

    revoke_membership(admin=agency_admin, membership=officer.memberships.get())
    answer = accept(client_for(officer), token)

    assert answer.status_code == 404
    assert not Membership.objects.filter(user=officer, revoked_at=None).exists()
    withdrawn = audited("organizations.invitation.withdrawn")[-1]
    assert (withdrawn.actor_id, withdrawn.data["invitation"]) == (
        agency_admin.pk,
        Invitation.objects.get().pk,
    )


def test_whom_a_removed_admin_invited_cannot_join(client, agency_admin, mailoutbox):
    agency = agency_admin.memberships.get().organization
    second_admin = member_of(agency, Role.ADMIN)
    sign_in(client, second_admin)
    invite(client, agency, "friend@example.org", Role.ADMIN)
    token = token_in(mailoutbox[-1])

    revoke_membership(admin=agency_admin, membership=second_admin.memberships.get())
    answer = accept(client_for(UserFactory(email="friend@example.org")), token)

    assert answer.status_code == 404
    assert Invitation.objects.get().withdrawn_at is not None
    assert list(Membership.objects.filter(organization=agency, revoked_at=None)) == list(
        agency_admin.memberships.all()
    )


def test_an_invitation_from_someone_no_longer_admin_is_not_valid(agency_admin, mailoutbox):
    """Even one the withdrawal missed (sent before it existed): the inviter must still
    be an admin when it is accepted."""
    agency = agency_admin.memberships.get().organization
    second_admin = member_of(agency, Role.ADMIN)
    token = invitation_link(second_admin, agency, "friend@example.org", mailoutbox=mailoutbox)
    Membership.objects.filter(user=second_admin).update(revoked_at="2025-01-01T00:00Z")
    friend = UserFactory(email="friend@example.org")

    answer = accept(client_for(friend), token)

    assert answer.status_code == 404
    assert not friend.memberships.exists()


def test_a_closed_account_takes_its_waiting_invitations_along(agency_admin, mailoutbox):
    agency = agency_admin.memberships.get().organization
    second_admin = member_of(agency, Role.ADMIN)
    token = invitation_link(second_admin, agency, "friend@example.org", mailoutbox=mailoutbox)

    delete_account(user=second_admin)

    assert Invitation.objects.get().withdrawn_at is not None
    assert accept(client_for(UserFactory(email="friend@example.org")), token).status_code == 404
