from __future__ import annotations

import json

from allauth.account.adapter import get_adapter
from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.core import context
from allauth.mfa.webauthn import forms as webauthn
from django import forms
from django.contrib import messages
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from . import code_sign_in, mail_caps, throttle
from .closing import WhatTheyWrote
from .models import DEFAULT_ALERT_RADIUS_MI, MAX_ALERT_RADIUS_MI, MIN_ALERT_RADIUS_MI, TokenScope
from .services import DEFAULT_TOKEN_LIFETIME_DAYS, TOKEN_LIFETIMES_DAYS


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """allauth's, with a cap on the code e-mails one address gets (accounts.mail_caps):
    past it the flow goes on as below it, and only the e-mail is withheld. Come back from
    the code's page to use another address, it shows the one typed, to be corrected."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["email"] = code_sign_in.address_to_correct(context.request)

    def clean_email(self) -> str:
        email = super().clean_email()
        if email:
            users = [self._user] if self._user else []
            mail_caps.SIGN_IN_CODES.ask(context.request, email, users)
        return email


class ResetPasswordForm(AllauthResetPasswordForm):
    """allauth's, with a cap on the reset e-mails one address gets (accounts.mail_caps):
    past it the page is the one shown below it, and only the e-mail is withheld (the
    "no account has this address" one too). Everyone who asks is told of the cap."""

    def save(self, request, **kwargs) -> str:
        # Counted here, after the view's limit per client address let the request through.
        cap = mail_caps.PASSWORD_RESETS
        cap.ask(request, self.cleaned_data["email"], self.users)
        get_adapter(request).add_message(request, messages.INFO, message=cap.notice())
        return super().save(request, **kwargs)


class HomeForm(forms.Form):
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)
    radius_mi = forms.FloatField(
        label=_("Alert radius (miles)"),
        min_value=MIN_ALERT_RADIUS_MI,
        max_value=MAX_ALERT_RADIUS_MI,
        initial=DEFAULT_ALERT_RADIUS_MI,
        # Any value: the API takes any radius in range (1.1 mi), and a browser refuses to
        # send a form whose number is off its step.
        widget=forms.NumberInput(
            attrs={"step": "any", "min": MIN_ALERT_RADIUS_MI, "max": MAX_ALERT_RADIUS_MI}
        ),
        help_text=_("Between 0.25 and 5 miles. You get alerts for posts inside this circle."),
    )


class SessionForm(forms.Form):
    idle_sign_out = forms.BooleanField(label=_("Sign me out when I am idle"), required=False)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80)
    scope = forms.ChoiceField(
        label=_("What it may do"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,  # each choice's whole sentence shows, on a phone too
    )
    lifetime_days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        choices=[(days, _("%(n)d days") % {"n": days}) for days in TOKEN_LIFETIMES_DAYS],
        initial=DEFAULT_TOKEN_LIFETIME_DAYS,
        help_text=_("Tokens never do moderation or other staff work, whatever your role."),
    )


class DeleteAccountForm(forms.Form):
    what_they_wrote = forms.ChoiceField(
        label=_("Your posts and comments"),
        choices=WhatTheyWrote.choices,
        widget=forms.RadioSelect,
    )
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)

    def __init__(self, *args, user, address: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.address = user, address

    def clean_password(self):
        """Checked as signing in checks it (accounts.throttle): counted, and refused
        unchecked while this address must wait."""
        password = self.cleaned_data["password"]
        wait = throttle.password_wait(self.user, self.address)
        if wait:
            raise forms.ValidationError(throttle.wait_message_signed_in(wait), code="throttled")
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        throttle.record_success(self.user.email, self.address)
        return password


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, as slow for a taken address as for a new one.

    A new account's password is hashed (the costly part of signing up); for an address
    that already has an account, allauth only sends that owner a note. Hashing the
    password there too keeps the answer time from telling who has an account.
    """

    def clean(self):
        """Every mistake in one answer: allauth compares the two passwords only when the
        first passed the password rules, so a short and mistyped one took two tries."""
        typed = self.cleaned_data.get("password1")
        cleaned = super().clean()
        repeated = cleaned.get("password2")
        if typed and "password1" in self.errors and repeated and repeated != typed:
            self.add_error("password2", _("You must type the same password each time."))
        return cleaned

    def try_save(self, request):
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)


class JSONDecoder(json.JSONDecoder):
    """JSON nested deeper than Python parses is JSON it cannot read: json.loads raises
    RecursionError there, which forms.JSONField (reading the value, and again showing
    the form) lets through as a server error, where it refuses any other such input."""

    def decode(self, s, *args, **kwargs):
        try:
            return super().decode(s, *args, **kwargs)
        except RecursionError:
            raise json.JSONDecodeError("Nested too deeply", s, 0) from None


def _credential() -> forms.JSONField:
    """A security key's answer, as allauth reads it (the passkey sign-in takes it from
    anyone), refused as "Enter a valid JSON." when nested too deep to read."""
    return forms.JSONField(required=True, widget=forms.HiddenInput, decoder=JSONDecoder)


class AddWebAuthnForm(webauthn.AddWebAuthnForm):
    credential = _credential()


class LoginWebAuthnForm(webauthn.LoginWebAuthnForm):
    credential = _credential()


class AuthenticateWebAuthnForm(webauthn.AuthenticateWebAuthnForm):
    credential = _credential()


class ReauthenticateWebAuthnForm(webauthn.ReauthenticateWebAuthnForm):
    credential = _credential()
