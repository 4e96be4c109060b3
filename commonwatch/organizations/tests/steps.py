"""What the organization tests do over and over: invite, accept, read the link."""

from __future__ import annotations

import re

from django.test import Client, TestCase
from django.urls import reverse

from commonwatch.audit.models import AuditEntry
from commonwatch.organizations import services
from commonwatch.organizations.models import Role

LINK = re.compile(r"https?://\S+/organizations/invitations/(\S+)/")


def audited(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("sequence"))


def invite(client, org, email, role=Role.MEMBER, *, follow=False):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            reverse("organizations:invite", args=[org.slug]),
            {"email": email, "role": role},
            follow=follow,
        )


def invitation_link(admin, org, email, role=Role.MEMBER, *, mailoutbox) -> str:
    """The token of an invitation sent straight through the service, as e-mailed."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.invite(admin=admin, organization=org, email=email, role=role)
    return token_in(mailoutbox[-1])


def accept(client, token: str):
    return client.post(reverse("organizations:invitation", args=[token]), follow=True)


def token_in(message) -> str:
    return LINK.search(message.body).group(1)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
