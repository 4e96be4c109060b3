"""An admin changes a member's role in place: a member becomes an admin, an admin a
member, from their very next request, on the record; an organization keeps an admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from commonwatch.accounts.tests.factories import UserFactory, sign_in
from commonwatch.core.errors import Conflict
from commonwatch.organizations.models import Invitation, Kind, Membership, Role
from commonwatch.organizations.services import change_role
from commonwatch.organizations.tests.factories import member_of, organization
from commonwatch.organizations.tests.steps import audited, client_for, invite

pytestmark = pytest.mark.django_db

CHANGED = "organizations.membership.role_changed"


def _change(client, membership, role, **kwargs):
    url = reverse("organizations:change_role", args=[membership.organization.slug, membership.pk])
    return client.post(url, {"role": role}, **kwargs)


def _page(org) -> str:
    return reverse("organizations:organization", args=[org.slug])


def test_an_admin_makes_an_officer_admin_who_can_invite_at_once(client, agency_admin):
    agency = agency_admin.memberships.get().organization
    officer = member_of(agency, user=UserFactory(email="officer@example.org"))
    officer_client = sign_in(client_for(officer), officer)
    assert invite(officer_client, agency, "before@example.org").status_code == 403
    sign_in(client, agency_admin)
    membership = officer.memberships.get()

    page = _change(client, membership, Role.ADMIN, follow=True)

    assert b"officer@example.org is now Agency admin." in page.content
    assert Membership.objects.get(pk=membership.pk).role == Role.ADMIN
    assert invite(officer_client, agency, "after@example.org").status_code == 302
    assert b"Invite someone" in officer_client.get(_page(agency)).content
    officer.refresh_from_db()
    assert officer.staff_rules_apply


def test_an_admin_makes_another_admin_a_member_who_loses_admin_work_at_once(client, agency_admin):
    agency = agency_admin.memberships.get().organization
    second_admin = member_of(agency, Role.ADMIN)
    second_client = sign_in(client_for(second_admin), second_admin)
    assert invite(second_client, agency, "before@example.org").status_code == 302
    sign_in(client, agency_admin)

    answer = _change(client, second_admin.memberships.get(), Role.MEMBER)

    assert answer.status_code == 302
    assert second_admin.memberships.get().role == Role.MEMBER
    assert invite(second_client, agency, "after@example.org").status_code == 403
    page = second_client.get(_page(agency))
    assert page.status_code == 200 and b"Invite someone" not in page.content
    second_admin.refresh_from_db()
    assert second_admin.staff_rules_apply  # still an officer: staff rules still apply


def test_an_admin_may_step_down_while_another_admin_remains(client, agency_admin):
    agency = agency_admin.memberships.get().organization
    member_of(agency, Role.ADMIN)
    sign_in(client, agency_admin)

    page = _change(client, agency_admin.memberships.get(), Role.MEMBER, follow=True)

    assert page.status_code == 200
    assert agency_admin.memberships.get().role == Role.MEMBER
    assert b"Invite someone" not in page.content


def test_the_last_admin_cannot_be_made_a_member(client, agency_admin):
    agency = agency_admin.memberships.get().organization
    sign_in(client, agency_admin)

    page = _change(client, agency_admin.memberships.get(), Role.MEMBER, follow=True)

    assert b"An organization keeps at least one admin" in page.content
    assert agency_admin.memberships.get().role == Role.ADMIN
    assert audited(CHANGED) == []
    with pytest.raises(Conflict, match="at least one admin"):
        change_role(admin=agency_admin, membership=agency_admin.memberships.get(), role="member")
    assert agency.memberships.get().role == Role.ADMIN


def test_the_change_is_on_the_record_with_the_role_before_and_after(agency_admin):
    agency = agency_admin.memberships.get().organization
    officer = member_of(agency)
    membership = officer.memberships.get()

    change_role(admin=agency_admin, membership=membership, role=Role.ADMIN)
    change_role(admin=agency_admin, membership=membership, role=Role.MEMBER)

    entries = audited(CHANGED)
    assert [(e.actor_id, e.actor_role, e.target_id) for e in entries] == [
        (agency_admin.pk, "agency admin", str(membership.pk))
    ] * 2
    assert [e.data for e in entries] == [
        {"user": officer.pk, "organization": agency.pk, "before": "member", "after": "admin"},
        {"user": officer.pk, "organization": agency.pk, "before": "admin", "after": "member"},
    ]


def test_a_role_held_already_is_refused_and_not_recorded(client, agency_admin):
    agency = agency_admin.memberships.get().organization
    officer = member_of(agency, user=UserFactory(email="officer@example.org"))
    sign_in(client, agency_admin)

    page = _change(client, officer.memberships.get(), Role.MEMBER, follow=True)

    assert b"officer@example.org is Officer already." in page.content
    assert audited(CHANGED) == []


@pytest.mark.parametrize("role", ["owner", "", "ADMIN"])
def test_an_unknown_role_is_refused(client, agency_admin, role):
    agency = agency_admin.memberships.get().organization
    membership = member_of(agency).memberships.get()
    sign_in(client, agency_admin)

    page = _change(client, membership, role, follow=True)

    assert b"Choose a role." in page.content
    assert Membership.objects.get(pk=membership.pk).role == Role.MEMBER
    with pytest.raises(ValidationError):
        change_role(admin=agency_admin, membership=membership, role=role)
    assert audited(CHANGED) == []


def test_an_admin_made_a_member_takes_back_the_invitations_they_sent(client, agency_admin):
    agency = agency_admin.memberships.get().organization
    second_admin = member_of(agency, Role.ADMIN)
    invite(sign_in(client_for(second_admin), second_admin), agency, "friend@example.org")

    change_role(admin=agency_admin, membership=second_admin.memberships.get(), role=Role.MEMBER)

    assert Invitation.objects.get().withdrawn_at is not None
    withdrawn = audited("organizations.invitation.withdrawn")[-1]
    assert (withdrawn.actor_id, withdrawn.data["reason"]) == (agency_admin.pk, "role_changed")


# Who may not change a role in agency A, and how each is answered (as for revoking):
# members and other staff 403, another organization's admin 404 (it does not exist for
# them), a visitor the sign-in page.
REFUSED = [
    ("officer_a", 403),  # a member of agency A, not its admin
    ("officer_b", 403),  # a member of another organization
    ("moderator", 403),
    ("operator", 403),  # operators stay apart from organizations' work
    ("resident", 403),
    ("admin_b", 404),
    ("visitor", 302),
]


@pytest.mark.parametrize(("who", "status"), REFUSED)
def test_only_the_organizations_admins_may_change_a_role(client, cast, agency_admin, who, status):
    cast["admin_b"] = member_of(organization(Kind.AGENCY, "Agency B"), Role.ADMIN)
    membership = cast["officer_a"].memberships.get()
    if cast[who] is not None:
        sign_in(client, cast[who])

    answer = _change(client, membership, Role.ADMIN)

    assert answer.status_code == status
    if who == "visitor":
        assert "/accounts/login/" in answer["Location"]
    assert Membership.objects.get(pk=membership.pk).role == Role.MEMBER
    assert audited(CHANGED) == []


def test_another_organizations_member_is_not_found_from_ones_own(client, cast, agency_admin):
    """Agency A's admin, naming an officer of agency B in agency A's address."""
    sign_in(client, agency_admin)
    theirs = cast["officer_b"].memberships.get()
    url = reverse("organizations:change_role", args=["agency-a", theirs.pk])

    answer = client.post(url, {"role": Role.ADMIN})

    assert answer.status_code == 404
    assert Membership.objects.get(pk=theirs.pk).role == Role.MEMBER


def test_an_admin_without_the_security_key_their_organization_asks_for_is_sent_for_it(client):
    agency = organization(Kind.AGENCY, "Keyed Agency", requires_security_keys=True)
    admin = member_of(agency, Role.ADMIN)
    officer = member_of(agency)
    sign_in(client, admin)  # an authenticator app code, not a key

    answer = _change(client, officer.memberships.get(), Role.ADMIN)

    assert answer.status_code == 302
    assert answer["Location"].startswith("/accounts/2fa/")  # to add or confirm a key
    assert officer.memberships.get().role == Role.MEMBER
    assert audited(CHANGED) == []


def test_a_change_is_a_post_with_the_pages_csrf_token(agency_admin):
    agency = agency_admin.memberships.get().organization
    membership = member_of(agency).memberships.get()
    client = sign_in(Client(enforce_csrf_checks=True), agency_admin)
    url = reverse("organizations:change_role", args=[agency.slug, membership.pk])

    fetched = client.get(url)
    forged = client.post(url, {"role": Role.ADMIN})

    assert (fetched.status_code, forged.status_code) == (405, 403)
    assert Membership.objects.get(pk=membership.pk).role == Role.MEMBER


def test_only_admins_see_a_role_form_beside_each_member(client, cast, agency_admin):
    agency = agency_admin.memberships.get().organization
    officer = cast["officer_a"]
    sign_in(client, agency_admin)

    admins_page = client.get(_page(agency)).content.decode()
    officers_page = sign_in(client_for(officer), officer).get(_page(agency)).content.decode()

    for member in (agency_admin, officer):
        assert f'data-change-role="{member.email}"' in admins_page
        assert f"Role of {member.email}</label>" in admins_page
    assert "Change role" in admins_page
    assert "data-change-role" not in officers_page and "Change role" not in officers_page
