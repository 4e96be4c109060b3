"""Who can be invited: an address that fits (254 characters at most), once at a time,
not a member already, and not by the hundred."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.core.errors import RateLimited
from commonwatch.organizations.models import Invitation, Kind, Organization, Role
from commonwatch.organizations.services import INVITATIONS_PER_HOUR
from commonwatch.organizations.services import invite as send_invitation
from commonwatch.organizations.tests.steps import invite

pytestmark = pytest.mark.django_db
TOO_LONG = f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 60}.test"  # 259 characters


def test_an_address_longer_than_254_characters_is_refused_with_its_reason(client, agency_admin):
    agency = agency_admin.memberships.get().organization
    sign_in(client, agency_admin)

    page = invite(client, agency, TOO_LONG, follow=True)

    assert b"An e-mail address has at most 254 characters." in page.content
    assert not Invitation.objects.exists()
    with pytest.raises(ValidationError, match="at most 254 characters"):
        send_invitation(admin=agency_admin, organization=agency, email=TOO_LONG)


def test_a_first_admin_address_longer_than_254_characters_is_refused(client, cast, mailoutbox):
    sign_in(client, cast["operator"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        page = client.post(
            reverse("organizations:create"),
            {"kind": Kind.AGENCY, "name": "Long Police", "first_admin_email": TOO_LONG},
        )

    assert b"An e-mail address has at most 254 characters." in page.content
    assert not Organization.objects.filter(name="Long Police").exists()
    assert not mailoutbox


def test_a_second_invitation_to_a_waiting_address_is_refused(client, agency_admin, mailoutbox):
    agency = agency_admin.memberships.get().organization
    sign_in(client, agency_admin)
    invite(client, agency, "victim@example.org")

    page = invite(client, agency, "Victim@Example.org", follow=True)

    assert page.status_code == 409
    assert b"An invitation to this address is waiting already" in page.content
    assert Invitation.objects.count() == len(mailoutbox) == 1


def test_a_refused_invitation_keeps_the_address_and_says_why_beside_it(client, agency_admin, cast):
    agency = agency_admin.memberships.get().organization
    sign_in(client, agency_admin)
    member = cast["officer_a"].email

    page = invite(client, agency, member, follow=True)

    form = page.context["invite_form"]
    assert form.errors["email"] == [f"{member} is a member already."]
    assert f'value="{member}"' in page.content.decode()


def test_a_member_is_not_invited_again(client, agency_admin, cast):
    agency = agency_admin.memberships.get().organization
    sign_in(client, agency_admin)

    page = invite(client, agency, cast["officer_a"].email, Role.ADMIN, follow=True)

    assert f"{cast['officer_a'].email} is a member already".encode() in page.content
    assert not Invitation.objects.exists()


def test_an_admin_sends_at_most_20_invitations_an_hour(agency_admin):
    agency = agency_admin.memberships.get().organization
    for n in range(INVITATIONS_PER_HOUR):
        send_invitation(admin=agency_admin, organization=agency, email=f"p{n}@example.org")

    with pytest.raises(RateLimited, match="20 invitations an hour") as refused:
        send_invitation(admin=agency_admin, organization=agency, email="one.more@example.org")

    assert refused.value.retry_after_seconds() > 3500
    assert Invitation.objects.count() == INVITATIONS_PER_HOUR
