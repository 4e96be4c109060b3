"""The audit trail names who did what: the person who accepted an invitation joins on
their own act (who invited them stays in the data), and an admin acts as an admin."""

from __future__ import annotations

import pytest

from commonwatch.accounts.tests.factories import UserFactory
from commonwatch.organizations.models import Invitation
from commonwatch.organizations.services import withdraw_invitation
from commonwatch.organizations.tests.steps import accept, audited, client_for, invitation_link

pytestmark = pytest.mark.django_db


def test_the_person_who_accepts_is_the_actor_of_their_joining(agency_admin, mailoutbox):
    agency = agency_admin.memberships.get().organization
    token = invitation_link(agency_admin, agency, "officer@example.org", mailoutbox=mailoutbox)
    officer = UserFactory(email="officer@example.org")

    accept(client_for(officer), token)

    granted = audited("organizations.membership.granted")[-1]
    assert (granted.actor_id, granted.actor_role) == (officer.pk, "resident")
    assert granted.data == {
        "user": officer.pk,
        "organization": agency.pk,
        "role": "member",
        "invitation": Invitation.objects.get().pk,
        "invited_by": agency_admin.pk,
    }


def test_an_admin_acts_on_the_record_as_the_organizations_admin(agency_admin, mailoutbox):
    agency = agency_admin.memberships.get().organization
    invitation_link(agency_admin, agency, "officer@example.org", mailoutbox=mailoutbox)
    withdraw_invitation(admin=agency_admin, invitation=Invitation.objects.get())

    entries = audited("organizations.invitation.sent") + audited(
        "organizations.invitation.withdrawn"
    )

    assert [(e.actor_id, e.actor_role) for e in entries] == [(agency_admin.pk, "agency admin")] * 2
