"""An agency's first officer, in real Chromium under the app's strict CSP.

The issue's words: an agency admin (with a security key, using Chromium's virtual
authenticator) invites an officer; the officer must enrol a second factor before
seeing anything of the agency. Everything under test goes through the pages: the
admin signs in with a password, is sent to set up a second factor, registers a key
on allauth's "add key" page (WebAuthn, CTAP2 virtual authenticator), invites an
e-mail address; the officer signs in, accepts the e-mailed invitation, is held at
second-factor setup until an authenticator app is on, then sees the agency. The admin
signs in again with the key: as a passkey, and after the password. Each visited page
passes axe-core (no critical or serious violation) and logs no CSP violation.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from playwright.sync_api import expect

from commonwatch.accounts.tests.factories import PASSWORD, UserFactory
from commonwatch.organizations.models import Invitation, Kind, Membership, Role
from commonwatch.organizations.tests.factories import member_of, organization
from commonwatch.web.tests.conftest import current_totp_code, path_is, submit_form

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

AGENCY = "Riverside Police"
OFFICER_EMAIL = "new.officer@example.org"
INVITATION_LINK = re.compile(r"https?://\S+/organizations/invitations/[^/\s]+/")


def _plug_in_security_key(checked) -> dict:
    """A CTAP2 security key with a PIN (user verification) on this page's browser tab,
    touched automatically whenever a site asks; its stored credentials are readable."""
    cdp = checked.context.new_cdp_session(checked.page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return {"cdp": cdp, "authenticatorId": added["authenticatorId"]}


def _credentials(key: dict) -> list[dict]:
    answer = key["cdp"].send("WebAuthn.getCredentials", {"authenticatorId": key["authenticatorId"]})
    return answer["credentials"]


def _sign_in_with_password(checked, email: str) -> None:
    page = checked.page
    page.goto(reverse("account_login"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").filter(has_text="Sign In").click()


def _sign_out(checked) -> None:
    page = checked.page
    page.goto(reverse("account_logout"))
    submit_form(page)
    expect(page.locator("footer")).not_to_contain_text("Signed in as")


def _confirm_password_if_asked(checked, destination: re.Pattern) -> None:
    """allauth asks for the password again before a change to second factors when the
    sign-in is not recent; a person types it."""
    page = checked.page
    reauthenticate = path_is(reverse("account_reauthenticate"))
    expect(page).to_have_url(re.compile(f"{destination.pattern}|{reauthenticate.pattern}"))
    if reauthenticate.match(page.url):
        checked.check()
        page.locator("#id_password").fill(PASSWORD)
        submit_form(page)
    expect(page).to_have_url(destination)


def _invitation_path(mailoutbox, email: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        sent = [m for m in mailoutbox if email in m.to]
        if sent:
            break
        time.sleep(0.1)
    assert len(sent) == 1, [(m.subject, m.to) for m in mailoutbox]
    link = INVITATION_LINK.search(sent[0].body)
    assert link, f"no invitation link in the e-mail:\n{sent[0].body}"
    return urlsplit(link.group(0)).path


def test_an_admin_with_a_key_invites_an_officer_who_must_enrol_first(open_page, mailoutbox):
    agency = organization(Kind.AGENCY, name=AGENCY)
    admin = member_of(agency, Role.ADMIN, second_factor=False)
    officer = UserFactory(email=OFFICER_EMAIL)
    agency_path = reverse("organizations:organization", args=[agency.slug])
    agency_url = path_is(agency_path)
    mfa_index_url = path_is(reverse("mfa_index"))

    # 1. The admin signs in with a password and is sent to set up a second factor.
    a = open_page()
    page = a.page
    key = _plug_in_security_key(a)
    _sign_in_with_password(a, admin.email)
    expect(page.locator("footer")).to_contain_text(f"Signed in as {admin.email}")
    page.goto(agency_path)
    expect(page).to_have_url(mfa_index_url)
    expect(page.locator(".messages")).to_contain_text("needs a second factor")
    a.check(screenshot="agency-admin-second-factor-prompt")

    # A security key, on allauth's "add key" page.
    page.get_by_role("link", name="Add", exact=True).click()
    add_key_url = path_is(reverse("mfa_add_webauthn"))
    _confirm_password_if_asked(a, add_key_url)
    a.check(screenshot="agency-admin-add-security-key")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add", exact=True).click()
    # The first factor comes with recovery codes, shown once.
    expect(page).to_have_url(path_is(reverse("mfa_view_recovery_codes")))
    a.check()
    assert Authenticator.objects.filter(user=admin, type=Authenticator.Type.WEBAUTHN).count() == 1
    # A passkey: the key itself holds the credential (discoverable), signing in alone.
    [credential] = _credentials(key)
    assert credential["isResidentCredential"], credential

    # Enrolling the key passed it: the agency page opens.
    page.goto(agency_path)
    expect(page).to_have_url(agency_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(AGENCY)
    admin_row = page.locator(f'tr[data-member="{admin.email}"]')
    expect(admin_row).to_contain_text("Agency admin")
    a.check(screenshot="agency-admin")

    # 2. The admin invites the officer's e-mail address.
    page.get_by_label("E-mail address to invite").fill(OFFICER_EMAIL)
    page.get_by_label("Role:", exact=True).select_option(label="Officer")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".messages")).to_contain_text(f"Invitation sent to {OFFICER_EMAIL}.")
    expect(page.locator("main")).to_contain_text(f"{OFFICER_EMAIL} · Officer")
    a.check()
    invitation_path = _invitation_path(mailoutbox, OFFICER_EMAIL)

    # 3. The officer signs in, accepts, and is held at second-factor setup.
    o = open_page()
    page = o.page
    _sign_in_with_password(o, OFFICER_EMAIL)
    expect(page.locator("footer")).to_contain_text(f"Signed in as {OFFICER_EMAIL}")
    page.goto(invitation_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Join {AGENCY}")
    o.check(screenshot="agency-invitation")
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page).to_have_url(mfa_index_url)
    membership = Membership.objects.get(user=officer, organization=agency, revoked_at=None)
    assert membership.role == Role.MEMBER
    assert Invitation.objects.get(email=OFFICER_EMAIL).accepted_at is not None
    main = page.locator("main")
    expect(main).to_contain_text("needs a second factor")
    expect(main).not_to_contain_text(admin.email)
    expect(page.get_by_role("heading", name="Members")).to_have_count(0)
    o.check(screenshot="agency-second-factor-prompt")
    # Nothing of the agency opens before the second factor is on.
    for path in (agency_path, reverse("organizations:mine")):
        page.goto(path)
        expect(page).to_have_url(mfa_index_url)
        expect(page.locator("main")).not_to_contain_text(admin.email)

    # An authenticator app: the secret read from the page, the code it would show.
    page.get_by_role("link", name="Activate", exact=True).click()
    activate_url = path_is(reverse("mfa_activate_totp"))
    _confirm_password_if_asked(o, activate_url)
    o.check(screenshot="agency-officer-totp-setup")
    secret = page.locator("#authenticator_secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    page.locator("#id_code").fill(current_totp_code(secret))
    submit_form(page)
    expect(page).to_have_url(path_is(reverse("mfa_view_recovery_codes")))
    o.check()
    assert Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists()

    page.goto(agency_path)
    expect(page).to_have_url(agency_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(AGENCY)
    expect(page.locator(f'tr[data-member="{OFFICER_EMAIL}"]')).to_contain_text("Officer")
    expect(page.locator(f'tr[data-member="{admin.email}"]')).to_contain_text("Agency admin")
    # An officer runs nothing here: no invitations, no removals.
    expect(page.get_by_role("button", name="Send the invitation")).to_have_count(0)
    expect(page.get_by_role("button", name="Remove")).to_have_count(0)
    o.check(screenshot="agency-officer")

    # The admin sees the officer among the members.
    page = a.page
    page.goto(agency_path)
    expect(page.locator(f'tr[data-member="{OFFICER_EMAIL}"]')).to_contain_text("Officer")
    expect(page.locator("main")).not_to_contain_text(f"{OFFICER_EMAIL} · Officer")

    # 4. The next sign-ins use the key: as a passkey, then after the password.
    _sign_out(a)
    page.goto(reverse("account_login"))
    a.check(screenshot="agency-admin-sign-in")
    page.get_by_role("button", name="Sign in with a passkey").click()
    expect(page.locator("footer")).to_contain_text(f"Signed in as {admin.email}")
    page.goto(agency_path)
    expect(page).to_have_url(agency_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(AGENCY)
    a.check()

    _sign_out(a)
    _sign_in_with_password(a, admin.email)
    expect(page).to_have_url(path_is(reverse("mfa_authenticate")))
    a.check(screenshot="agency-admin-second-factor-sign-in")
    page.get_by_role("button", name="Use a security key").click()
    expect(page.locator("footer")).to_contain_text(f"Signed in as {admin.email}")
    page.goto(agency_path)
    expect(page).to_have_url(agency_url)
    expect(page.locator(f'tr[data-member="{OFFICER_EMAIL}"]')).to_contain_text("Officer")
    a.check()
