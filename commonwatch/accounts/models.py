"""People, their home point and their API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from commonwatch.geo.distance import miles_to_m
from commonwatch.geo.models import LocatedModel
from commonwatch.geo.selectors import radius_class_of


class Role(models.TextChoices):
    """Platform-wide roles: everyone is a resident, unless they operate the platform.

    Moderating, an agency's work, oversight and legal review are memberships in an
    organization (commonwatch.organizations), which a resident may hold several of.
    """

    RESIDENT = "resident", _("Resident")
    OPERATOR = "operator", _("Operator")


MIN_ALERT_RADIUS_MI = 0.25
MAX_ALERT_RADIUS_MI = 5.0
DEFAULT_ALERT_RADIUS_MI = 1.0
# A home and its radius may change this often per day: enough to settle in, too few to
# probe where a post or a neighbor is by moving a circle around.
HOME_CHANGES_PER_DAY = 4


class AccountManager(UserManager):
    """Accounts are keyed by e-mail; there is no username to choose."""

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        """An operator, made by `manage.py createsuperuser` at the server's shell: whoever
        can run it needs no e-mail to prove the address, and the install's e-mail may not
        work yet, so the address comes confirmed and the first sign-in asks for none."""
        from allauth.account.models import EmailAddress

        extra_fields.update(role=Role.OPERATOR)
        with transaction.atomic(using=self._db):
            user = self._create_user(None, email, password, **extra_fields)
            EmailAddress.objects.db_manager(self._db).create(
                user=user, email=user.email, verified=True, primary=True
            )
        return user


class User(AbstractUser):
    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.RESIDENT)
    # Kept by organizations.services whenever a membership is granted or revoked, so no
    # request has to query memberships to know that staff rules apply.
    holds_staff_membership = models.BooleanField(default=False, editable=False)
    needs_security_key = models.BooleanField(default=False, editable=False)
    # Set when the person deleted their account: the row stays, anonymised (closing.py).
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    idle_sign_out = models.BooleanField(
        _("sign me out after 30 minutes without activity"),
        default=False,
        help_text=_("Always on for staff; residents may choose it."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = AccountManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        # Only operators use the admin site, which shows an allow-list (core.admin_site).
        self.is_staff = self.is_superuser = self.role == Role.OPERATOR
        super().save(*args, **kwargs)

    @property
    def is_resident(self) -> bool:
        return self.role == Role.RESIDENT

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATOR

    @property
    def staff_rules_apply(self) -> bool:
        """A second factor for staff pages, and the 30-minute idle sign-out."""
        return self.is_operator or self.holds_staff_membership

    @property
    def signs_out_when_idle(self) -> bool:
        """Staff always, a resident who asked for it (a shared device)."""
        return self.staff_rules_apply or self.idle_sign_out


class Home(LocatedModel):
    """A resident's home point and alert radius. Never shown to anyone else."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="home")
    radius_m = models.FloatField(
        _("alert radius (m)"),
        validators=[
            MinValueValidator(miles_to_m(MIN_ALERT_RADIUS_MI)),
            MaxValueValidator(miles_to_m(MAX_ALERT_RADIUS_MI)),
        ],
    )
    radius_class = models.PositiveSmallIntegerField(editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # circles_covering seeks (radius_class, cell); the other columns are all it
            # reads, so alerting 100,000 homes never touches the table (index-only scan).
            models.Index(
                fields=["radius_class", "cell", "lat", "lng", "radius_m", "user"],
                name="home_alert_circle",
            )
        ]

    def __str__(self) -> str:
        return f"home of {self.user_id}"

    def locate(self) -> None:
        super().locate()
        self.radius_class = radius_class_of(self.radius_m)


class HomeChange(models.Model):
    """When a resident set or moved their home or radius (kept a day, for the daily limit)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="home_changes")
    changed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "changed_at"], name="home_change_recent")]

    def __str__(self) -> str:
        return f"home change of {self.user_id} at {self.changed_at}"


class TokenScope(models.TextChoices):
    """What a token may do, named in full: a camera's exact place and its clips are the
    most private things an account holds, and a token reaches them as the account does."""

    READ = (
        "read",
        _(
            "Read only: everything my account can see, with my cameras' exact places, "
            "my clips and my notifications"
        ),
    )
    WRITE = (
        "write",
        _(
            "Read and write: also post, comment, flag, move my home, change my cameras "
            "and who sees them, and upload or delete my clips"
        ),
    )


class ApiToken(models.Model):
    """A personal token for scripts. Only its SHA-256 digest is stored.

    It expires, it may be read-only, and it never carries staff powers: moderation and
    every other staff action need a signed-in session with a second factor.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(max_length=8, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
