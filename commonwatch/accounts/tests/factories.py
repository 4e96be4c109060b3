from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import generate_totp_secret

from commonwatch.accounts import services
from commonwatch.accounts.models import Home, User
from commonwatch.accounts.roles import Role
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


def staff_with_mfa(role: Role, **fields) -> User:
    user = UserFactory(role=role, **fields)
    user.totp_secret = generate_totp_secret()
    services.enroll_totp(user=user, secret=user.totp_secret)
    return user
