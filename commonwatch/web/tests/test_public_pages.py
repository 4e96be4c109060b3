"""The guidelines, privacy policy and terms are open to visitors and linked from every
page's footer; the guidelines state every rule moderators cite; errors get the site's
own pages."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse
from django.utils.html import escape

from commonwatch.accounts.access import EVERYONE, access
from commonwatch.community.tests.factories import CENTER, published, resident_at
from commonwatch.moderation.models import RULE_DESCRIPTIONS, Rule
from commonwatch.web.api import NOT_FOUND
from config.urls import urlpatterns as site_urlpatterns

pytestmark = pytest.mark.django_db

PAGES = ("web:guidelines", "web:privacy", "web:terms")


@pytest.mark.parametrize("name", PAGES)
def test_each_page_answers_a_visitor_and_is_linked_from_the_footer(client, name):
    url = reverse(name)
    assert client.get(url).status_code == 200
    footer = client.get("/").content.decode().split('<footer class="site-footer">')[1]
    assert f'href="{url}"' in footer


def test_the_guidelines_give_every_rule_moderators_cite_in_full(client):
    page = client.get(reverse("web:guidelines")).content.decode()
    for rule in Rule:
        assert f'id="rule-{rule.value}"' in page
        assert escape(str(rule.label)) in page
        assert escape(str(rule.description)) in page


def test_every_rule_has_a_description():
    assert set(RULE_DESCRIPTIONS) == set(Rule)
    assert all(str(rule.description).strip() for rule in Rule)


@access(EVERYONE)
def broken(request):
    raise RuntimeError("a failure the visitor must not see")


urlpatterns = [*site_urlpatterns, path("broken/", broken)]


@override_settings(DEBUG=False)
def test_an_unknown_address_answers_the_sites_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert f'href="{reverse("web:guidelines")}"' in page  # the site's layout, footer and all


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/moderation/", "/admin/"])
def test_a_page_the_role_does_not_open_answers_the_sites_403_page(client, path):
    """A resident who opens a staff page is told why, on a page of the site they can
    leave by its menu, not on a bare line of text."""
    client.force_login(resident_at(*CENTER))
    response = client.get(path)

    assert response.status_code == 403
    page = response.content.decode()
    assert "Not open to your account" in page
    assert "Your role does not give access to this page." in page
    assert f'href="{reverse("community:feed")}"' in page  # the menu is there
    assert f'href="{reverse("web:guidelines")}"' in page  # and the footer


@override_settings(DEBUG=False)
@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/api/v1/moderation/claims//1"])
def test_an_unknown_api_address_answers_in_the_apis_shape(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": str(NOT_FOUND)}


@pytest.mark.django_db
def test_a_post_not_found_says_so_in_a_sentence_whatever_the_reason(client):
    client.force_login(resident_at(*CENTER))

    answer = client.get("/api/v1/posts/999999")

    assert answer.status_code == 404
    assert answer.json() == {"detail": str(NOT_FOUND)}


@pytest.mark.parametrize("method", ["put", "delete"])
def test_a_method_an_api_address_does_not_take_is_named_in_the_apis_shape(client, method):
    client.force_login(resident_at(*CENTER))

    answer = getattr(client, method)("/api/v1/feed")

    assert answer.status_code == 405
    assert answer["Allow"] == "GET, HEAD"
    assert answer.json() == {
        "detail": f"This address does not take {method.upper()}; it takes GET, HEAD."
    }


def test_a_page_that_does_not_take_a_method_answers_the_sites_405_page(client):
    answer = client.post(reverse("web:basemap"))

    assert answer.status_code == 405
    assert answer["Allow"] == "GET, HEAD"
    assert "Nothing to show at this address" in answer.content.decode()


def test_opening_the_address_a_form_was_sent_to_answers_a_page_of_the_site(client):
    """Reloading or sharing the address of a comment refused at the comment form's
    address lands on a page that says what happened, not on the browser's own error."""
    author = resident_at(*CENTER)
    post = published(author)
    client.force_login(author)
    refused = client.post(reverse("community:comment", args=[post.pk]), {"body": "x" * 5000})
    share = f'value="http://testserver{reverse("community:post", args=[post.pk])}"'
    assert share in refused.content.decode()  # the post's own address, to share

    opened = client.get(reverse("community:comment", args=[post.pk]))

    assert opened.status_code == 405
    page = opened.content.decode()
    assert "Nothing to show at this address" in page
    assert f'href="{reverse("web:guidelines")}"' in page
    assert author.email not in page  # a shared link never names who opened it
    assert "default-src" in opened["Content-Security-Policy"]  # a page like any other
    assert opened["X-Frame-Options"] == "DENY"


@override_settings(DEBUG=False)
def test_the_404_page_never_names_who_is_signed_in(client):
    user = resident_at(*CENTER)
    client.force_login(user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert user.email not in response.content.decode()


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_failure_answers_the_sites_static_500_page():
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    assert "a failure the visitor must not see" not in page
    assert "site.css" in page


def test_too_many_tries_answers_the_sites_own_page(rf):
    """allauth's limits (sign-in, codes, giving the password again) answer with it."""
    from allauth.core.internal.ratelimit import handler429
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/accounts/reauthenticate/")
    request.user = AnonymousUser()

    response = handler429(request)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many tries" in page and f'href="{reverse("web:guidelines")}"' in page
