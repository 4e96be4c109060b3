"""The demo city's organizations and the people who run them.

One agency (an admin and two officers), an oversight body, a moderation team whose
two members are residents of the city, a legal review, and an operator. Every staff
account gets TOTP; the command prints its secret and the current code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from commonwatch.accounts import services as accounts
from commonwatch.accounts.models import Home, Role, User
from commonwatch.organizations.models import Kind, Membership, Organization
from commonwatch.organizations.models import Role as MembershipRole
from commonwatch.organizations.services import grant_membership

DEMO_PASSWORD = "commonwatch-demo"  # noqa: S105 - printed for the demo on purpose
DEMO_DOMAIN = "demo.commonwatch.test"
AREA_HALF_SIDE_DEG = 0.08  # about 9 km north-south: the city around its centre
# The demo's people have lived in the city and used the site for a while: an account made
# minutes ago is "new" (moderation.trust), with a new account's posting pace.
JOINED_BEFORE_THE_DEMO = timedelta(days=400)


@dataclass(frozen=True)
class DemoOrganization:
    slug: str
    kind: str
    name: str
    has_area: bool


@dataclass(frozen=True)
class DemoPerson:
    local_part: str
    organization: str | None = None  # a slug of DEMO_ORGANIZATIONS
    role: str = MembershipRole.MEMBER
    has_home: bool = True
    operator: bool = False


DEMO_ORGANIZATIONS = (
    DemoOrganization("riverside-police", Kind.AGENCY, "Riverside Police Department", True),
    DemoOrganization("riverside-oversight", Kind.OVERSIGHT, "Riverside Oversight Board", True),
    DemoOrganization("riverside-moderators", Kind.MODERATION, "Riverside Neighbors", True),
    DemoOrganization("commonwatch-legal", Kind.LEGAL, "Commonwatch Legal Review", False),
)
DEMO_PEOPLE = (
    DemoPerson("resident"),
    DemoPerson("moderator", "riverside-moderators", MembershipRole.ADMIN),
    # A second look: an appeal is decided by someone other than the moderator who
    # rejected, and the first one made every rejection of the demo's history.
    DemoPerson("moderator2", "riverside-moderators"),
    DemoPerson("agency-admin", "riverside-police", MembershipRole.ADMIN, has_home=False),
    DemoPerson("officer1", "riverside-police"),
    DemoPerson("officer2", "riverside-police"),
    DemoPerson("oversight", "riverside-oversight", MembershipRole.ADMIN, has_home=False),
    DemoPerson("legal", "commonwatch-legal", MembershipRole.ADMIN, has_home=False),
    DemoPerson("operator", has_home=False, operator=True),
)


def seed_people() -> list[tuple[str, str, str | None]]:
    """Create (or find) the demo's organizations and people: (e-mail, what they are,
    TOTP secret) for each."""
    organizations = {spec.slug: _organization(spec) for spec in DEMO_ORGANIZATIONS}
    return [_person(spec, organizations) for spec in DEMO_PEOPLE]


def city_area() -> dict:
    lat, lng = settings.DEMO_CITY_CENTER
    d = AREA_HALF_SIDE_DEG
    ring = [[lng - d, lat - d], [lng + d, lat - d], [lng + d, lat + d], [lng - d, lat + d]]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _organization(spec: DemoOrganization) -> Organization:
    organization, _created = Organization.objects.get_or_create(
        slug=spec.slug,
        defaults={
            "kind": spec.kind,
            "name": spec.name,
            "area": city_area() if spec.has_area else None,
        },
    )
    return organization


def _person(spec: DemoPerson, organizations) -> tuple[str, str, str | None]:
    email = f"{spec.local_part}@{DEMO_DOMAIN}"
    role = Role.OPERATOR if spec.operator else Role.RESIDENT
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"role": role, "date_joined": timezone.now() - JOINED_BEFORE_THE_DEMO},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        what = str(Role.OPERATOR.label) if spec.operator else str(Role.RESIDENT.label)
        if spec.organization:
            organization = organizations[spec.organization]
            if not Membership.objects.filter(user=user, organization=organization).exists():
                grant_membership(
                    user=user, organization=organization, role=spec.role, granted_by=None
                )
            what = f"{organization.title_of(spec.role)}, {organization.name}"
            if spec.has_home:
                what += f" (and a {Role.RESIDENT.label.lower()})"
        if spec.has_home and not Home.objects.filter(user=user).exists():
            lat, lng = settings.DEMO_CITY_CENTER
            accounts.set_home(user=user, lat=lat, lng=lng, radius_mi=1.0)
        secret = None
        if spec.operator or spec.organization:
            secret = totp_secret(user)
            if secret is None:
                secret = generate_totp_secret()
                accounts.enroll_totp(user=user, secret=secret)
    return email, what, secret


def totp_secret(user: User) -> str | None:
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return None
    return get_mfa_adapter().decrypt(authenticator.data["secret"])
