"""Organizations run themselves: operators create them, their admins invite and remove
members, and every change lands in the audit trail."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.test import TestCase
from django.urls import reverse

from commonwatch.accounts.tests.factories import UserFactory, sign_in
from commonwatch.audit.models import AuditEntry
from commonwatch.core.errors import Conflict, NotAllowed
from commonwatch.core.policies import require
from commonwatch.organizations.models import Invitation, Kind, Membership, Organization, Role
from commonwatch.organizations.policies import MANAGE
from commonwatch.organizations.services import revoke_membership
from commonwatch.organizations.tests.factories import member_of, organization
from commonwatch.organizations.tests.steps import accept, audited, client_for, invite, token_in

pytestmark = pytest.mark.django_db


def test_an_operator_creates_an_agency_and_its_first_admin_accepts(client, cast, mailoutbox):
    sign_in(client, cast["operator"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        created = client.post(
            reverse("organizations:create"),
            {"kind": Kind.AGENCY, "name": "Lakeside Police", "first_admin_email": "chief@x.org"},
        )
    assert created.status_code == 302
    agency = Organization.objects.get(name="Lakeside Police")
    assert mailoutbox[-1].to == ["chief@x.org"]

    chief = UserFactory(email="chief@x.org")
    client.logout()
    client.force_login(chief)
    joined = accept(client, token_in(mailoutbox[-1]))

    membership = Membership.objects.get(user=chief, organization=agency)
    assert membership.role == Role.ADMIN
    assert b"You are now Agency admin of Lakeside Police." in joined.content
    assert [e.action for e in AuditEntry.objects.order_by("sequence")][-3:] == [
        "organizations.organization.created",
        "organizations.invitation.sent",
        "organizations.membership.granted",
    ]


def test_an_agency_admin_invites_an_officer_who_joins_with_their_own_account(
    client, agency_admin, mailoutbox
):
    agency = agency_admin.memberships.get().organization
    sign_in(client, agency_admin)
    answer = invite(client, agency, "new.officer@example.org")
    assert answer.status_code == 302
    page = client.get(reverse("organizations:organization", args=[agency.slug]))
    assert b"new.officer@example.org" in page.content  # waiting for an answer

    officer = UserFactory(email="new.officer@example.org")
    other = client_for(UserFactory())
    refused = other.post(reverse("organizations:invitation", args=[token_in(mailoutbox[-1])]))
    assert b"another e-mail address" in refused.content
    client.logout()
    client.force_login(officer)
    accept(client, token_in(mailoutbox[-1]))

    membership = Membership.objects.get(user=officer, organization=agency)
    assert (membership.role, membership.granted_by) == (Role.MEMBER, agency_admin)
    officer.refresh_from_db()
    assert officer.staff_rules_apply
    granted = audited("organizations.membership.granted")[-1]
    assert granted.actor_id == officer.pk and granted.data["invited_by"] == agency_admin.pk


def test_an_invitation_is_used_once(client, agency_admin, mailoutbox):
    agency = agency_admin.memberships.get().organization
    sign_in(client, agency_admin)
    invite(client, agency, "officer@example.org")
    token = token_in(mailoutbox[-1])
    client.logout()
    client.force_login(UserFactory(email="officer@example.org"))
    accept(client, token)

    again = client.get(reverse("organizations:invitation", args=[token]))

    assert again.status_code == 404
    assert Invitation.objects.get().accepted_at is not None


def test_an_admin_withdraws_an_invitation_whose_link_then_fails(client, agency_admin, mailoutbox):
    agency = agency_admin.memberships.get().organization
    sign_in(client, agency_admin)
    invite(client, agency, "officer@example.org")
    token, invitation = token_in(mailoutbox[-1]), Invitation.objects.get()
    withdraw = reverse("organizations:withdraw", args=[agency.slug, invitation.pk])

    page = client.post(withdraw, follow=True)
    again = client.post(withdraw, follow=True)

    assert b"The invitation of officer@example.org is withdrawn." in page.content
    assert b"answered or withdrawn already" in again.content
    assert b'data-invitation="officer@example.org"' not in page.content
    withdrawn = audited("organizations.invitation.withdrawn")
    assert [(e.actor_id, e.data["invitation"]) for e in withdrawn] == [
        (agency_admin.pk, invitation.pk)
    ]
    client.logout()
    client.force_login(UserFactory(email="officer@example.org"))
    assert client.get(reverse("organizations:invitation", args=[token])).status_code == 404


def test_an_admin_removes_an_officer_who_loses_access_at_once(client, agency_admin):
    agency = agency_admin.memberships.get().organization
    officer = member_of(agency)
    officer_client = sign_in(client_for(officer), officer)
    page = reverse("organizations:organization", args=[agency.slug])
    assert officer_client.get(page).status_code == 200
    sign_in(client, agency_admin)
    membership = Membership.objects.get(user=officer)

    client.post(reverse("organizations:revoke", args=[agency.slug, membership.pk]))

    membership.refresh_from_db()
    assert (membership.revoked_by, membership.revoked_at is not None) == (agency_admin, True)
    assert officer_client.get(page).status_code == 403  # no organization work any more
    officer.refresh_from_db()
    assert not officer.staff_rules_apply
    revoked = audited("organizations.membership.revoked")[-1]
    assert (revoked.actor_id, revoked.data["user"]) == (agency_admin.pk, officer.pk)


def test_the_last_admin_cannot_be_removed(agency_admin):
    with pytest.raises(Conflict, match="at least one admin"):
        revoke_membership(admin=agency_admin, membership=agency_admin.memberships.get())


def test_an_officer_leaves_the_agency_and_loses_access_at_once(client, agency_admin):
    agency = agency_admin.memberships.get().organization
    officer = member_of(agency)
    sign_in(client, officer)
    page = reverse("organizations:organization", args=[agency.slug])
    assert b"Leave this organization" in client.get(page).content

    left = client.post(reverse("organizations:leave", args=[agency.slug]), follow=True)

    assert f"You have left {agency.name}." in left.content.decode()
    assert client.get(page).status_code == 403
    officer.refresh_from_db()
    assert not officer.staff_rules_apply
    entry = audited("organizations.membership.left")[-1]
    assert (entry.actor_id, entry.data["user"]) == (officer.pk, officer.pk)
    assert Membership.objects.get(user=officer).revoked_by == officer


def test_the_last_admin_is_told_to_name_another_before_leaving(client, agency_admin):
    agency = agency_admin.memberships.get().organization
    sign_in(client, agency_admin)

    answer = client.post(reverse("organizations:leave", args=[agency.slug]), follow=True)

    assert "make another member admin first" in answer.content.decode()
    assert agency_admin.memberships.get().revoked_at is None


def test_nobody_leaves_an_organization_they_are_not_in(client, cast, agency_admin):
    agency = agency_admin.memberships.get().organization
    outsider = member_of(organization(name="Agency Z"))
    sign_in(client, outsider)

    answer = client.post(reverse("organizations:leave", args=[agency.slug]))

    assert answer.status_code == 404
    assert agency_admin.memberships.get().revoked_at is None


def test_an_admin_removed_during_their_own_request_removes_no_one(agency_admin):
    """Two admins removing each other at once: the one removed first, whose request
    already found them an admin, is refused once it gets the organization's lock."""
    agency = agency_admin.memberships.get().organization
    second = member_of(agency, role=Role.ADMIN)
    third = member_of(agency, role=Role.ADMIN)
    require(second, MANAGE, agency)  # the request in flight: it knows second as an admin
    revoke_membership(admin=agency_admin, membership=second.memberships.get())

    with pytest.raises(NotAllowed):
        revoke_membership(admin=second, membership=third.memberships.get())
    assert third.memberships.get().revoked_at is None


def test_an_officer_may_see_the_agency_but_not_invite_or_remove(client, cast, agency_admin):
    agency = agency_admin.memberships.get().organization
    officer = cast["officer_a"]
    sign_in(client, officer)
    admins_membership = Membership.objects.get(user=agency_admin)

    page = client.get(reverse("organizations:organization", args=[agency.slug]))
    invited = client.post(
        reverse("organizations:invite", args=[agency.slug]), {"email": "x@example.org"}
    )
    removed = client.post(reverse("organizations:revoke", args=[agency.slug, admins_membership.pk]))

    assert page.status_code == 200 and b"Invite someone" not in page.content
    assert (invited.status_code, removed.status_code) == (403, 403)
    assert not Invitation.objects.exists()
    assert Membership.objects.get(pk=admins_membership.pk).revoked_at is None


def test_an_admin_of_another_agency_is_told_nothing_exists(client, cast, agency_admin):
    agency = agency_admin.memberships.get().organization
    other_admin = member_of(organization(Kind.AGENCY, "Agency B2"), Role.ADMIN)
    sign_in(client, other_admin)
    membership = Membership.objects.get(user=agency_admin)

    answers = [
        client.get(reverse("organizations:organization", args=[agency.slug])),
        client.post(reverse("organizations:invite", args=[agency.slug]), {"email": "a@b.org"}),
        client.post(reverse("organizations:revoke", args=[agency.slug, membership.pk])),
        client.post(reverse("organizations:security_keys", args=[agency.slug])),
        client.get(reverse("organizations:organization", args=["no-such-agency"])),
    ]

    assert [a.status_code for a in answers] == [404] * 5
    assert answers[0].content.replace(agency.slug.encode(), b"") == answers[-1].content.replace(
        b"no-such-agency", b""
    )


def test_an_admin_needs_a_key_of_their_own_before_requiring_keys(client, agency_admin):
    agency = agency_admin.memberships.get().organization
    sign_in(client, agency_admin)

    answer = client.post(
        reverse("organizations:security_keys", args=[agency.slug]), {"required": "on"}, follow=True
    )

    assert b"security key or passkey yourself first" in answer.content
    agency.refresh_from_db()
    assert not agency.requires_security_keys


def test_requiring_security_keys_is_audited_and_applies_to_members(client, agency_admin, cast):
    agency = agency_admin.memberships.get().organization
    Authenticator.objects.create(user=agency_admin, type=Authenticator.Type.WEBAUTHN, data={})
    sign_in(client, agency_admin, second_factor=Authenticator.Type.WEBAUTHN)

    client.post(reverse("organizations:security_keys", args=[agency.slug]), {"required": "on"})

    agency.refresh_from_db()
    assert agency.requires_security_keys
    officer = cast["officer_a"]
    officer.refresh_from_db()
    assert officer.needs_security_key
    assert audited("organizations.security_keys.required")[-1].data == {"required": True}
