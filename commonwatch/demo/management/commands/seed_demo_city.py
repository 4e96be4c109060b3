"""Seed the demo city: staff for every role (with MFA where required) and clustered homes."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from commonwatch.accounts import services as accounts
from commonwatch.accounts.models import Home, User
from commonwatch.accounts.roles import MFA_REQUIRED_ROLES, Role
from commonwatch.demo.city import home_points
from commonwatch.demo.posts import seed_posts

DEMO_PASSWORD = "commonwatch-demo"  # noqa: S105 - printed for the demo on purpose
DEMO_DOMAIN = "demo.commonwatch.test"
BATCH = 500


class Command(BaseCommand):
    help = "Seed (or top up) the demo city and print a login for every role."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=2000)
        parser.add_argument("--posts", type=int, default=20000)

    def handle(self, *args, residents: int, posts: int, **options):
        logins = [self._staff_login(role) for role in Role]
        self._seed_residents(residents)
        reader = User.objects.get(email=f"resident@{DEMO_DOMAIN}")
        seed_posts(count=posts, residents_domain=DEMO_DOMAIN, reader=reader)
        self._print_logins(logins)

    def _staff_login(self, role: Role) -> tuple[str, str | None]:
        email = f"{role.value.replace('_', '-')}@{DEMO_DOMAIN}"
        with transaction.atomic():
            user, created = User.objects.get_or_create(email=email, defaults={"role": role})
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            secret = None
            if role in MFA_REQUIRED_ROLES:
                secret = _totp_secret(user) or generate_totp_secret()
                if _totp_secret(user) is None:
                    accounts.enroll_totp(user=user, secret=secret)
            elif not Home.objects.filter(user=user).exists():
                lat, lng = settings.DEMO_CITY_CENTER
                accounts.set_home(user=user, lat=lat, lng=lng, radius_mi=1.0)
        return email, secret

    def _seed_residents(self, count: int) -> None:
        password = make_password(DEMO_PASSWORD)
        points = list(home_points(settings.DEMO_CITY_CENTER, count))
        with tqdm(total=count, desc="Residents and homes", unit="home") as bar:
            for start in range(0, count, BATCH):
                self._seed_batch(start, points[start : start + BATCH], password)
                bar.update(min(BATCH, count - start))

    def _seed_batch(self, start: int, points, password: str) -> None:
        emails = [f"resident{start + i:05d}@{DEMO_DOMAIN}" for i in range(len(points))]
        with transaction.atomic():
            User.objects.bulk_create(
                [User(email=e, password=password, role=Role.RESIDENT) for e in emails],
                ignore_conflicts=True,
            )
            users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
            EmailAddress.objects.bulk_create(
                [
                    EmailAddress(user_id=users[e], email=e, verified=True, primary=True)
                    for e in emails
                ],
                ignore_conflicts=True,
            )
            homes = []
            for email, (lat, lng, radius_m) in zip(emails, points, strict=True):
                home = Home(user_id=users[email], lat=lat, lng=lng, radius_m=radius_m)
                home.locate()
                homes.append(home)
            Home.objects.bulk_create(homes, ignore_conflicts=True)

    def _print_logins(self, logins) -> None:
        self.stdout.write(
            self.style.SUCCESS("\nDemo city ready. Sign in at /accounts/login/ with:")
        )
        self.stdout.write(f"  password for every account: {DEMO_PASSWORD}")
        for email, secret in logins:
            line = f"  {email}"
            if secret:
                code = format_hotp_value(hotp_value(secret, _now_counter()))
                line += f"   TOTP secret {secret} (code now: {code})"
            self.stdout.write(line)
        self.stdout.write("  residents also: resident00000 … resident01999@" + DEMO_DOMAIN)


def _totp_secret(user: User) -> str | None:
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return None
    return get_mfa_adapter().decrypt(authenticator.data["secret"])


def _now_counter() -> int:
    import time

    return int(time.time()) // 30
