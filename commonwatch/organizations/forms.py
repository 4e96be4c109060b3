from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EMAIL_MAX_LENGTH, EMAIL_TOO_LONG, Kind, Role, validate_one_line


def email_field(**kwargs) -> forms.EmailField:
    """An address the invitation can hold, with the reason when it cannot."""
    return forms.EmailField(
        max_length=EMAIL_MAX_LENGTH, error_messages={"max_length": EMAIL_TOO_LONG}, **kwargs
    )


class InviteForm(forms.Form):
    email = email_field(label=_("E-mail address to invite"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)

    def __init__(self, *args, organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organization is not None:  # "Officer", "Agency admin": the organization's words
            self.fields["role"].choices = [(r, organization.title_of(r)) for r in Role.values]


class OrganizationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=120, validators=[validate_one_line])
    first_admin_email = email_field(
        label=_("E-mail of its first admin"),
        help_text=_("They get an invitation; the admin then invites the others."),
    )
    requires_security_keys = forms.BooleanField(
        label=_("Members must sign in with a security key or passkey"), required=False
    )


class SecurityKeysForm(forms.Form):
    required = forms.BooleanField(required=False)
