"""Operators run the service and stay apart from organizations' work: they cannot
appoint themselves, nor accept an invitation."""

from __future__ import annotations

import re

import pytest
from django.test import TestCase
from django.urls import reverse

from commonwatch.accounts.models import Role as PlatformRole
from commonwatch.accounts.models import User
from commonwatch.accounts.tests.factories import UserFactory, sign_in
from commonwatch.core.errors import NotAllowed
from commonwatch.organizations.models import Invitation, Kind, Membership, Organization
from commonwatch.organizations.services import accept_invitation
from commonwatch.organizations.tests.steps import accept, client_for, invitation_link, invite

pytestmark = pytest.mark.django_db


def test_an_operator_cannot_name_themselves_first_admin(client, cast, mailoutbox):
    operator = cast["operator"]
    sign_in(client, operator)
    with TestCase.captureOnCommitCallbacks(execute=True):
        page = client.post(
            reverse("organizations:create"),
            {"kind": Kind.LEGAL, "name": "Operator Legal", "first_admin_email": operator.email},
        )

    assert page.status_code == 400
    assert b"stay apart from organizations&#x27; work" in page.content
    assert not Organization.objects.filter(name="Operator Legal").exists()
    assert not mailoutbox


def test_an_admin_inviting_an_operators_address_learns_nothing_and_it_cannot_be_accepted(
    client, cast, agency_admin, mailoutbox
):
    """The answer is the same as for any address: it must not tell an admin who has an
    account here, or that it is an operator's."""
    agency = agency_admin.memberships.get().organization
    operator = cast["operator"]
    sign_in(client, agency_admin)

    page = invite(client, agency, operator.email.upper(), follow=True)

    assert page.status_code == 200
    assert b"stay apart" not in page.content
    assert f"invitation sent to {operator.email}" in page.content.decode().lower()
    token = re.search(r"/organizations/invitations/([^/\s]+)/", mailoutbox[-1].body).group(1)
    with pytest.raises(NotAllowed, match="stay apart from organizations"):
        accept_invitation(user=operator, raw_token=token)
    assert not Membership.objects.filter(user=operator).exists()


def test_an_operator_cannot_accept_an_invitation(agency_admin, mailoutbox):
    """One sent before the address's account became an operator's."""
    agency = agency_admin.memberships.get().organization
    token = invitation_link(
        agency_admin, agency, "later.operator@example.org", mailoutbox=mailoutbox
    )
    operator = UserFactory(email="later.operator@example.org")
    User.objects.filter(pk=operator.pk).update(role=PlatformRole.OPERATOR)
    operator.refresh_from_db()

    page = accept(client_for(operator), token)
    with pytest.raises(NotAllowed, match="stay apart from organizations"):
        accept_invitation(user=operator, raw_token=token)

    assert page.status_code == 403
    assert not Membership.objects.filter(user=operator).exists()
    assert Invitation.objects.get().accepted_at is None
