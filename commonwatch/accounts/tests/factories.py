from __future__ import annotations

import time

import factory
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret

from commonwatch.accounts import services
from commonwatch.accounts.models import Home, Role, User
from commonwatch.geo.distance import miles_to_m

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    role = Role.RESIDENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class HomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Home

    user = factory.SubFactory(UserFactory)
    lat = 39.7392
    lng = -104.9903
    radius_m = miles_to_m(1)


def with_second_factor(user: User) -> User:
    """Enrol TOTP, and let this object act as a session that passed it (services called
    straight from a test); sign_in() gives a test client's session the same."""
    user.totp_secret = generate_totp_secret()
    services.enroll_totp(user=user, secret=user.totp_secret)
    user.sign_in_strength = frozenset({Authenticator.Type.TOTP})
    return user


def operator(**fields) -> User:
    return with_second_factor(UserFactory(role=Role.OPERATOR, **fields))


def sign_in(client, user: User, *, second_factor: str | None = None):
    """Sign the test client in as user; with a second factor enrolled, as a session that
    passed it (as allauth records after the code or the key)."""
    client.force_login(user)
    kinds = list(Authenticator.objects.filter(user=user).values_list("type", flat=True))
    passed = second_factor or next((k for k in kinds if k != "recovery_codes"), None)
    if passed:
        session = client.session
        now = time.time()
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": now, "email": user.email},
            {"method": "mfa", "at": now, "type": passed},
        ]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()
    return client
