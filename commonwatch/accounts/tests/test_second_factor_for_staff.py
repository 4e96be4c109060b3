"""Staff work needs a second factor passed in this session; resident pages do not.

A membership (moderation, an agency, oversight, legal review) or the operator role makes
someone staff. Without a second factor they are sent to set one up; with one enrolled
but not passed in this session (a password-only session), to confirm it.
"""

from __future__ import annotations

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from django.urls import reverse

from commonwatch.accounts import services
from commonwatch.accounts.tests.factories import PASSWORD, UserFactory, operator, sign_in
from commonwatch.organizations.models import Kind
from commonwatch.organizations.tests.factories import member_of, organization, team

# Each kind of staff, and a page of their staff work.
STAFF_PAGES = {
    "moderator": (Kind.MODERATION, "/moderation/"),
    "officer": (Kind.AGENCY, "/organizations/"),
    "oversight": (Kind.OVERSIGHT, "/organizations/"),
    "legal": (Kind.LEGAL, "/organizations/"),
    "operator": (None, "/admin/"),
}
RESIDENT_PAGES = ("/", "/account/", "/account/delete/", "/account/home/", "/feed/")


@pytest.fixture(params=sorted(STAFF_PAGES))
def staff_without_factor(request, db):
    kind, page = STAFF_PAGES[request.param]
    if kind is None:
        return UserFactory(role="operator"), page
    return member_of(team(kind), second_factor=False), page


def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, staff_without_factor):
    user, page = staff_without_factor
    client.force_login(user)

    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")
    landing = client.get(response["Location"])
    assert b"needs a second factor" in landing.content


def test_staff_who_enrolled_but_signed_in_with_a_password_confirm_it(client, staff_without_factor):
    user, page = staff_without_factor
    services.enroll_totp(user=user, secret="JBSWY3DPEHPK3PXP")
    client.force_login(user)

    response = client.get(page)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert "next=" in response["Location"]


def test_staff_who_passed_their_second_factor_reach_their_work(client, staff_without_factor):
    user, page = staff_without_factor
    services.enroll_totp(user=user, secret="JBSWY3DPEHPK3PXP")
    sign_in(client, user)

    assert client.get(page).status_code == 200


def test_resident_pages_stay_open_to_staff_before_the_second_factor(client, staff_without_factor):
    user, _page = staff_without_factor
    client.force_login(user)

    for url in RESIDENT_PAGES:
        response = client.get(url)
        assert "2fa" not in response.get("Location", ""), url
    assert client.get("/account/").status_code == 200


def test_the_api_refuses_staff_work_without_the_second_factor(client, db):
    moderator = member_of(team(Kind.MODERATION), second_factor=False)
    client.force_login(moderator)

    response = client.get("/api/v1/moderation/queue")

    assert response.status_code == 403
    assert "second factor" in response.json()["detail"]


def test_a_personal_token_never_does_staff_work(client, cast):
    _token, raw = services.create_api_token(user=cast["moderator"], name="script")

    response = client.get("/api/v1/moderation/queue", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 403
    assert "Personal tokens cannot do staff work" in response.json()["detail"]


def test_a_staff_member_signing_in_is_asked_for_the_code(client, cast):
    response = client.post(
        reverse("account_login"), {"login": cast["officer_a"].email, "password": PASSWORD}
    )

    assert response["Location"] == reverse("mfa_authenticate")


def test_an_agency_that_requires_keys_sends_a_totp_officer_to_add_one(client, db):
    agency = organization(Kind.AGENCY, requires_security_keys=True)
    officer = member_of(agency)
    sign_in(client, officer)

    response = client.get(reverse("organizations:organization", args=[agency.slug]))

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_add_webauthn")


def test_an_officer_signed_in_with_a_key_reaches_a_key_only_agency(client, db):
    agency = organization(Kind.AGENCY, requires_security_keys=True)
    officer = member_of(agency)
    _security_key(officer)
    sign_in(client, officer, second_factor=Authenticator.Type.WEBAUTHN)

    response = client.get(reverse("organizations:organization", args=[agency.slug]))

    assert response.status_code == 200


def test_a_key_only_moderation_team_refuses_its_work_to_a_totp_session(client, db):
    moderator = member_of(organization(Kind.MODERATION, requires_security_keys=True))
    sign_in(client, moderator)  # with the authenticator app's code

    page = client.get(reverse("moderation:queue"))
    answer = client.get("/api/v1/moderation/queue")
    claim = client.post("/api/v1/moderation/claims/post/1")

    assert page.status_code == 302 and page["Location"] == reverse("mfa_add_webauthn")
    assert answer.status_code == 403
    assert "security key" in answer.json()["detail"]
    assert claim.status_code == 403


def test_a_key_only_moderation_team_works_in_a_session_confirmed_with_a_key(client, db):
    moderator = member_of(organization(Kind.MODERATION, requires_security_keys=True))
    _security_key(moderator)
    sign_in(client, moderator, second_factor=Authenticator.Type.WEBAUTHN)

    assert client.get(reverse("moderation:queue")).status_code == 200
    assert client.get("/api/v1/moderation/queue").status_code == 200


def test_keys_asked_by_one_organization_do_not_hold_back_anothers_work(client, db):
    moderator = member_of(team(Kind.MODERATION))
    member_of(
        organization(Kind.AGENCY, requires_security_keys=True), user=moderator, second_factor=False
    )
    sign_in(client, moderator)  # with the authenticator app's code

    assert client.get("/api/v1/moderation/queue").status_code == 200


def _security_key(user) -> Authenticator:
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "key", "credential": {}}
    )


def test_staff_keep_at_least_one_second_factor(cast):
    officer = cast["officer_a"]
    totp = Authenticator.objects.get(user=officer, type=Authenticator.Type.TOTP)
    adapter = get_adapter()

    assert adapter.can_delete_authenticator(totp) is False
    key = _security_key(officer)
    assert adapter.can_delete_authenticator(totp) is True
    assert adapter.can_delete_authenticator(key) is True


def test_a_key_only_agency_officer_keeps_a_key(db):
    officer = member_of(organization(Kind.AGENCY, requires_security_keys=True))
    key = _security_key(officer)
    totp = Authenticator.objects.get(user=officer, type=Authenticator.Type.TOTP)
    adapter = get_adapter()

    assert adapter.can_delete_authenticator(key) is False
    assert adapter.can_delete_authenticator(totp) is True


def test_an_operator_is_staff_too(client, db):
    user = operator()
    sign_in(client, user)

    assert client.get("/admin/").status_code == 200


def test_a_residents_token_on_staff_work_is_told_it_is_not_their_role(client, cast):
    """Not sent off to sign in with a second factor that would change nothing."""
    _token, raw = services.create_api_token(user=cast["resident"], name="script")

    response = client.get("/api/v1/moderation/queue", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 403
    assert response.json()["detail"] == "Your role does not give access to this endpoint."
