"""An organization's name goes into e-mail subjects and its slug into addresses: a
name is one line of text, and no slug takes a fixed address under /organizations/."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from commonwatch.accounts.tests.factories import sign_in
from commonwatch.organizations import urls
from commonwatch.organizations.models import Kind, Organization
from commonwatch.organizations.services import RESERVED_SLUGS, create_organization
from commonwatch.organizations.tests.factories import organization
from commonwatch.organizations.tests.steps import invitation_link

pytestmark = pytest.mark.django_db


def create(client, name: str):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("organizations:create"),
            {"kind": Kind.AGENCY, "name": name, "first_admin_email": "chief@x.org"},
        )


@pytest.mark.parametrize("name", ["Evil\r\nOrg", "Evil\nOrg", "Tab\tOrg", "Bell\x07Org"])
def test_a_name_with_a_control_character_is_refused(client, cast, mailoutbox, name):
    sign_in(client, cast["operator"])

    page = create(client, name)

    assert page.status_code == 400
    assert b"one line of plain text" in page.content
    assert not Organization.objects.filter(kind=Kind.AGENCY, name__startswith=name[:3]).exists()
    assert not mailoutbox


def test_the_service_refuses_it_too(cast):
    with pytest.raises(ValidationError, match="one line of plain text"):
        create_organization(
            operator=cast["operator"], kind=Kind.LEGAL, name="A\u2028B", first_admin_email="a@b.org"
        )


def test_an_invitation_subject_is_one_line_even_for_a_name_saved_before(agency_admin, mailoutbox):
    agency = agency_admin.memberships.get().organization
    Organization.objects.filter(pk=agency.pk).update(name="Agency\r\nA")
    agency.refresh_from_db()

    invitation_link(agency_admin, agency, "officer@example.org", mailoutbox=mailoutbox)

    assert mailoutbox[-1].subject == "[Commonwatch] You are invited to join Agency A"


@pytest.mark.parametrize("name", ["New", "Invitations"])
def test_a_name_like_a_fixed_address_gets_a_slug_of_its_own(client, cast, name):
    sign_in(client, cast["operator"])

    create(client, name)

    slug = Organization.objects.get(name=name).slug
    assert slug == f"{name.lower()}-2"


def test_every_fixed_first_segment_is_reserved():
    fixed = {str(p.pattern).split("/")[0] for p in urls.urlpatterns}
    assert fixed - {"", "<slug:slug>", "<str:token>"} <= RESERVED_SLUGS


def test_a_taken_slug_still_gets_a_number(client, cast):
    organization(Kind.AGENCY, "Riverside")
    sign_in(client, cast["operator"])

    create(client, "Riverside")

    assert Organization.objects.filter(name="Riverside").count() == 2
    assert Organization.objects.filter(slug="riverside-2").exists()
