"""Roles become memberships: moderators, officers, legal reviewers and oversight members
keep their work as members of an organisation; platform admins become operators.

Each old role gets one organisation of its kind (rename it afterwards); agency admins
become its admins, the others its members.
"""

from django.db import migrations

# old role → (organisation kind, its name, membership role)
OLD_ROLES = {
    "moderator": ("moderation", "Moderation team", "member"),
    "agency_officer": ("agency", "Agency", "member"),
    "agency_admin": ("agency", "Agency", "admin"),
    "legal_reviewer": ("legal", "Legal review", "member"),
    "oversight": ("oversight", "Oversight body", "member"),
}


def roles_to_memberships(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Organization = apps.get_model("organizations", "Organization")
    Membership = apps.get_model("organizations", "Membership")
    for old, (kind, name, role) in OLD_ROLES.items():
        users = list(User.objects.filter(role=old))
        if not users:
            continue
        organization, _made = Organization.objects.get_or_create(
            kind=kind, slug=kind, defaults={"name": name}
        )
        for user in users:
            Membership.objects.get_or_create(
                user=user, organization=organization, revoked_at=None, defaults={"role": role}
            )
        User.objects.filter(pk__in=[u.pk for u in users]).update(
            role="resident", holds_staff_membership=True
        )
    User.objects.filter(role="platform_admin").update(role="operator")


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0001_initial"),
        ("accounts", "0007_platform_roles_and_staff_flags"),
    ]

    operations = [migrations.RunPython(roles_to_memberships, migrations.RunPython.noop)]
