"""Seed the demo city: its organizations and staff (with TOTP), and clustered homes."""

from __future__ import annotations

import time

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from commonwatch.accounts.models import Home, Role, User
from commonwatch.demo.cameras import seed_cameras
from commonwatch.demo.city import home_points, resident_since
from commonwatch.demo.people import DEMO_DOMAIN, DEMO_PASSWORD, seed_people
from commonwatch.demo.posts import seed_posts

BATCH = 500


class Command(BaseCommand):
    help = "Seed (or top up) the demo city and print a login for everyone who runs it."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=2000)
        parser.add_argument("--posts", type=int, default=20000)

    def handle(self, *args, residents: int, posts: int, **options):
        logins = seed_people()
        self._seed_residents(residents)
        reader = User.objects.get(email=f"resident@{DEMO_DOMAIN}")
        seed_posts(count=posts, residents_domain=DEMO_DOMAIN, reader=reader)
        clips = seed_cameras(DEMO_DOMAIN)
        self.stdout.write(f"Cameras: {clips} generated clips queued for the task worker.")
        self._print_logins(logins)

    def _seed_residents(self, count: int) -> None:
        password = make_password(DEMO_PASSWORD)
        points = list(home_points(settings.DEMO_CITY_CENTER, count))
        with tqdm(total=count, desc="Residents and homes", unit="home") as bar:
            for start in range(0, count, BATCH):
                self._seed_batch(start, points[start : start + BATCH], password)
                bar.update(min(BATCH, count - start))

    def _seed_batch(self, start: int, points, password: str) -> None:
        emails = [f"resident{start + i:05d}@{DEMO_DOMAIN}" for i in range(len(points))]
        now = timezone.now()
        with transaction.atomic():
            User.objects.bulk_create(
                [
                    User(
                        email=e,
                        password=password,
                        role=Role.RESIDENT,
                        date_joined=now - resident_since(start + i),
                    )
                    for i, e in enumerate(emails)
                ],
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
        for email, what, secret in logins:
            self.stdout.write(f"  {email}   {what}")
            if secret:
                code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
                self.stdout.write(f"      TOTP secret {secret} (code now: {code})")
        self.stdout.write("  residents also: resident00000 … resident01999@" + DEMO_DOMAIN)
        self.stdout.write(
            "  with cameras and clips: resident, moderator, resident00000 and resident00001"
            f" (@{DEMO_DOMAIN}); import more clips at /clips/import/"
        )
