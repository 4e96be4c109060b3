"""The operator runs the service but cannot read residents' data or take over accounts."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from commonwatch.accounts.models import Role, User
from commonwatch.accounts.tests.factories import PASSWORD, sign_in
from commonwatch.community import services as community
from commonwatch.community.tests.factories import CENTER, published, resident_at
from commonwatch.core.admin_site import OPERATOR_MODELS


@pytest.fixture
def operator_client(client, cast):
    sign_in(client, cast["operator"])
    return client


def test_the_admin_shows_exactly_the_allow_listed_models():
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}

    assert registered == set(OPERATOR_MODELS)


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:account_emailaddress_changelist",
        "admin:mfa_authenticator_changelist",
        "admin:django_tasks_database_dbtaskresult_changelist",
        "admin:accounts_home_changelist",
        "admin:community_post_changelist",
        "admin:community_comment_changelist",
        "admin:community_alert_changelist",
        "admin:auth_user_password_change",
    ],
)
def test_what_would_reveal_or_take_over_an_account_has_no_admin_page(url_name):
    assert not has_admin_page(url_name)


def has_admin_page(url_name: str) -> bool:
    for args in ([], [1]):
        try:
            reverse(url_name, args=args)
        except NoReverseMatch:
            continue
        return True
    return False


def test_the_operator_cannot_change_an_email_or_delete_an_account(operator_client, resident):
    url = reverse("admin:accounts_user_change", args=[resident.pk])

    operator_client.post(
        url, {"email": "attacker@example.org", "role": Role.RESIDENT, "is_active": "on"}
    )

    resident.refresh_from_db()
    assert resident.email != "attacker@example.org"
    assert not EmailAddress.objects.filter(email="attacker@example.org").exists()
    changelist = operator_client.get(reverse("admin:accounts_user_changelist"))
    assert b'name="action"' not in changelist.content  # no bulk delete
    assert operator_client.get(f"/admin/accounts/user/{resident.pk}/delete/").status_code == 403
    password_page = operator_client.get(
        f"/admin/accounts/user/{resident.pk}/password/", follow=True
    )
    assert b'name="password1"' not in password_page.content


def test_the_users_page_shows_no_home_posts_comments_or_aliases(operator_client):
    author = resident_at(*CENTER)
    post = published(author, title="A distinctive title")
    community.add_comment(author=author, post=post, body="A distinctive comment")

    pages = [
        operator_client.get(reverse("admin:accounts_user_change", args=[author.pk])),
        operator_client.get(reverse("admin:accounts_user_changelist")),
        operator_client.get(reverse("admin:index")),
    ]

    for page in pages:
        assert page.status_code == 200
        for secret in (b"A distinctive", b"Neighbor #", str(author.home.lat).encode()):
            assert secret not in page.content


def test_outbox_messages_show_their_state_never_their_content(operator_client, resident):
    from django.db import transaction

    from commonwatch.accounts.tasks import queue_email
    from commonwatch.core.models import OutboxMessage

    with transaction.atomic():
        queue_email(
            subject="Reset your password",
            body="https://example.org/reset/the-secret-key/",
            from_email="noreply@example.org",
            to=[resident.email],
        )
    message = OutboxMessage.objects.get()

    pages = [
        operator_client.get(reverse("admin:core_outboxmessage_changelist")),
        operator_client.get(reverse("admin:core_outboxmessage_change", args=[message.pk])),
    ]

    for page in pages:
        assert page.status_code == 200
        assert b"the-secret-key" not in page.content
        assert b"Reset your password" not in page.content


def test_an_operator_grants_a_role_and_the_change_takes_effect(operator_client, resident):
    url = reverse("admin:accounts_user_change", args=[resident.pk])

    response = operator_client.post(url, {"role": Role.OPERATOR, "is_active": "on"})

    assert response.status_code == 302
    assert User.objects.get(pk=resident.pk).role == Role.OPERATOR


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("admin:accounts_user_changelist", "password__startswith=pbkdf2_sha256$"),
        ("admin:accounts_user_changelist", "email__startswith=resident&password__contains=a"),
        ("admin:accounts_user_changelist", "home__lat__gte=0"),
        ("admin:core_outboxmessage_changelist", "payload__contains=a"),
        ("admin:core_outboxmessage_changelist", "payload__recipient_ids__icontains=,2,"),
        ("admin:core_outboxmessage_changelist", "last_error__startswith=a"),
    ],
)
def test_the_address_cannot_filter_on_what_the_pages_do_not_show(operator_client, page, query):
    """A result count answers yes or no: a lookup on a hidden field would read it out."""
    answer = operator_client.get(f"{reverse(page)}?{query}")

    assert answer.status_code == 400


def test_the_pages_own_filters_still_work(operator_client, resident):
    users = operator_client.get(reverse("admin:accounts_user_changelist") + "?role__exact=resident")
    outbox = operator_client.get(
        reverse("admin:core_outboxmessage_changelist") + "?done_at__isempty=1"
    )

    assert users.status_code == 200 and resident.email.encode() in users.content
    assert outbox.status_code == 200


def test_a_search_longer_than_any_address_finds_nothing_and_says_why(operator_client, resident):
    """SQLite refused so long a LIKE pattern: it was a server error."""
    page = reverse("admin:accounts_user_changelist")

    answer = operator_client.get(page, {"q": resident.email + "x" * 100_000})
    found = operator_client.get(page, {"q": resident.email})

    assert answer.status_code == 200
    assert b"Search for at most 254 characters." in answer.content
    assert answer.context["cl"].result_count == 0
    assert found.context["cl"].result_count == 1


def test_there_is_no_view_on_site_shortcut(operator_client, resident):
    assert operator_client.get(f"/admin/r/1/{resident.pk}/").status_code == 404


@pytest.mark.parametrize("page", ["admin:password_change", "admin:password_change_done"])
def test_the_admins_password_pages_lead_to_the_accounts_own(operator_client, cast, page):
    """The admin's form changed the password with no notice to the owner; the account's
    page e-mails one. Its link stays in the admin's header, so the URL must resolve."""
    new = "Another-pass-99"
    answer = operator_client.post(
        reverse(page), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )

    assert answer.status_code == 302
    assert answer.url == reverse("account_change_password")
    cast["operator"].refresh_from_db()
    assert not cast["operator"].check_password(new)
