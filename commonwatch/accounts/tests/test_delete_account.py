"""Deleting one's account asks for the password, then removes everything that was theirs."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.urls import reverse

from commonwatch.accounts import services
from commonwatch.accounts.models import ApiToken, Home, User
from commonwatch.accounts.tests.factories import PASSWORD, HomeFactory, sign_in


def test_a_wrong_password_does_not_delete_the_account(client, resident):
    HomeFactory(user=resident)
    client.force_login(resident)

    response = client.post(reverse("accounts:delete"), {"password": "not my password"})

    assert response.status_code == 200
    assert b"That is not your password." in response.content
    assert User.objects.filter(pk=resident.pk).exists()
    assert Home.objects.filter(user=resident).exists()
    assert client.get(reverse("accounts:home")).status_code == 200, "still signed in"


def test_the_right_password_deletes_the_account_its_home_and_tokens_and_signs_out(client, resident):
    HomeFactory(user=resident)
    _token, raw = services.create_api_token(user=resident, name="script")
    services.enroll_totp(user=resident, secret="JBSWY3DPEHPK3PXP")
    client.force_login(resident)

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("web:home")
    assert b"Your account and everything only you could see are deleted." in response.content
    assert not response.wsgi_request.user.is_authenticated
    assert not User.objects.filter(pk=resident.pk).exists()
    assert not Home.objects.filter(user_id=resident.pk).exists()
    assert not ApiToken.objects.filter(user_id=resident.pk).exists()
    assert not Authenticator.objects.filter(user_id=resident.pk).exists()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert (
        client.post(
            reverse("account_login"), {"login": resident.email, "password": PASSWORD}
        ).status_code
        == 200
    ), "the deleted account cannot sign in"


def test_a_staff_member_can_delete_their_own_account(client, cast):
    officer = cast["officer_a"]
    sign_in(client, officer)

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=officer.pk).exists()
