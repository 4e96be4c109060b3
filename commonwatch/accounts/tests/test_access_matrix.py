"""Every URL declares who may use it, and every persona of the cast is held to it.

Adding a page or endpoint: add one line to MATRIX naming who gets in. The cast
(commonwatch/conftest.py) is a visitor, a resident, a resident who moderates, officers
of two agencies, an oversight member, a legal reviewer and an operator; staff sign in
with their second factor. Object URLs are tried with agency A's slug and ids that do
not exist: who may not use them is refused (401, 403, the sign-in page) or, for another
organization's object, told it does not exist (404).
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.urls.exceptions import NoReverseMatch

from commonwatch.accounts.access import ApiAccess, DenyUndeclared, rule_for
from commonwatch.accounts.tests.factories import sign_in
from commonwatch.conftest import PERSONAS
from commonwatch.web.access_doc import Named, api_operations, page_patterns

VISITOR = "visitor"
EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {VISITOR}
RESIDENTS = SIGNED_IN - {"operator"}
MODERATORS = frozenset({"moderator"})
OPERATORS = frozenset({"operator"})
MEMBERS = SIGNED_IN - {"resident"}  # of some organization, or operators
AGENCY_A = frozenset({"officer_a"})
NOBODY = frozenset()  # admins only: none in the cast (their own tests cover them)

# Who gets in, per page (URL name) and API operation ("METHOD /path" under /api/v1).
MATRIX: dict[str, frozenset] = {
    "web:home": EVERYONE,
    "web:guidelines": EVERYONE,
    "web:privacy": EVERYONE,
    "web:terms": EVERYONE,
    "web:basemap": EVERYONE,
    "web:healthz": EVERYONE,
    "web:readyz": EVERYONE,
    "accounts:home": RESIDENTS,
    "accounts:settings": SIGNED_IN,
    "organizations:mine": MEMBERS,
    "organizations:create": OPERATORS,
    # The admin's password pages, ours since they lead to the account's own page.
    "admin:password_change": OPERATORS,
    "admin:password_change_done": OPERATORS,
    "organizations:organization": AGENCY_A,
    "organizations:invite": NOBODY,
    "organizations:revoke": NOBODY,
    # Members of any organization pass its check, then a GET is refused as not a POST
    # (405); which organization they may leave is the ownership test's.
    "organizations:leave": MEMBERS - {"operator"},
    "organizations:change_role": NOBODY,
    "organizations:withdraw": NOBODY,
    "organizations:security_keys": NOBODY,
    "organizations:invitation": RESIDENTS,  # operators stay apart from organizations
    "accounts:api_tokens": SIGNED_IN,
    "accounts:revoke_api_token": SIGNED_IN,
    "accounts:delete": SIGNED_IN,
    # From the page waiting for an e-mailed code, before anyone is signed in (POST only).
    "accounts:another_code_address": EVERYONE,
    "notifications:inbox": SIGNED_IN,
    "notifications:mark_all_read": SIGNED_IN,
    "notifications:settings": SIGNED_IN,
    "notifications:unmute_thread": SIGNED_IN,
    # The signed link is the authority (tried here with a bad one: "not valid", 404).
    "notifications:unsubscribe": EVERYONE,
    "notifications:mute": EVERYONE,
    "webpush:service_worker": EVERYONE,
    "GET /notifications": SIGNED_IN,
    "POST /notifications/read": SIGNED_IN,
    "GET /notifications/settings": SIGNED_IN,
    "PUT /notifications/settings": SIGNED_IN,
    "GET /notifications/push": SIGNED_IN,
    "GET /notifications/quiet-hours": SIGNED_IN,
    "PUT /notifications/quiet-hours": SIGNED_IN,
    "POST /notifications/push/devices": SIGNED_IN,
    "POST /notifications/push/devices/remove": SIGNED_IN,
    "GET /me": SIGNED_IN,
    "GET /me/home": RESIDENTS,
    "PUT /me/home": RESIDENTS,
    "GET /places": RESIDENTS,
    "community:feed": RESIDENTS,
    "community:new": RESIDENTS,
    "community:preview": RESIDENTS,
    "community:map": RESIDENTS,
    "community:post": RESIDENTS,
    "community:edit": RESIDENTS,
    "community:delete": RESIDENTS,
    "community:comment": RESIDENTS,
    "community:resolve": RESIDENTS,
    "moderation:flag": RESIDENTS,
    # Signed in, then scoped to the file's owner and its post's readers: others get 404.
    "media:file": SIGNED_IN,
    "media:thumbnail": SIGNED_IN,
    "GET /media/{media_id}": SIGNED_IN,
    "GET /media/{media_id}/thumbnail": SIGNED_IN,
    # Camera owners' imports: then scoped to the import's owner (others get 404).
    "clip_imports:imports": RESIDENTS,
    "clip_imports:detail": RESIDENTS,
    "clip_imports:progress": RESIDENTS,
    "clip_imports:add_files": RESIDENTS,
    "moderation:queue": MODERATORS,
    "moderation:decide_post": MODERATORS,
    "moderation:decide_edit": MODERATORS,
    "moderation:requeue_post": MODERATORS,
    "moderation:decide_comment": MODERATORS,
    "moderation:decide_appeal": MODERATORS,
    "moderation:claim": MODERATORS,
    "moderation:appeal_post": RESIDENTS,
    "moderation:appeal_comment": RESIDENTS,
    "moderation:log": EVERYONE,
    "moderation:mine": RESIDENTS,
    "GET /feed": RESIDENTS,
    "GET /map": RESIDENTS,
    "POST /posts": RESIDENTS,
    "GET /posts/{post_id}": RESIDENTS,
    "PUT /posts/{post_id}": RESIDENTS,
    "DELETE /posts/{post_id}": RESIDENTS,
    "GET /posts/{post_id}/comments": RESIDENTS,
    "POST /posts/{post_id}/comments": RESIDENTS,
    "PUT /posts/{post_id}/resolved": RESIDENTS,
    "POST /posts/{post_id}/flags": RESIDENTS,
    "GET /moderation/queue": MODERATORS,
    "GET /moderation/edits": MODERATORS,
    "POST /moderation/edits/{revision_id}/decision": MODERATORS,
    "POST /moderation/posts/{post_id}/decision": MODERATORS,
    "POST /moderation/comments/{comment_id}/decision": MODERATORS,
    "POST /moderation/appeals/{appeal_id}/decision": MODERATORS,
    "POST /moderation/claims/{kind}/{item_id}": MODERATORS,
    "DELETE /moderation/claims/{kind}/{item_id}": MODERATORS,
    "POST /appeals": RESIDENTS,
    "GET /moderation/log": EVERYONE,
    # Cameras: anyone but operators keeps their own; another's camera is 404 (ownership tests).
    "cameras:list": RESIDENTS,
    "cameras:new": RESIDENTS,
    "cameras:storage": RESIDENTS,
    "cameras:camera": RESIDENTS,
    "cameras:zones": RESIDENTS,
    "cameras:token": RESIDENTS,
    "cameras:revoke_token": RESIDENTS,
    "cameras:remove": RESIDENTS,
    "GET /cameras": RESIDENTS,
    "POST /cameras": RESIDENTS,
    "GET /cameras/{camera_id}": RESIDENTS,
    "PATCH /cameras/{camera_id}": RESIDENTS,
    "DELETE /cameras/{camera_id}": RESIDENTS,
    "POST /cameras/{camera_id}/token": RESIDENTS,
    "DELETE /cameras/{camera_id}/token": RESIDENTS,
    # A camera owner's clips: residents, each scoped to their own (others' are 404).
    "clips:library": RESIDENTS,
    "clips:clip": RESIDENTS,
    "clips:video": RESIDENTS,
    "clips:download": RESIDENTS,
    "clips:thumbnail": RESIDENTS,
    "clips:delete": RESIDENTS,
    "clips:dismiss_refusal": RESIDENTS,
    "GET /clips": RESIDENTS,
    "GET /clips/{clip_id}": RESIDENTS,
    "DELETE /clips/{clip_id}": RESIDENTS,
    "GET /clips/{clip_id}/video": RESIDENTS,
    "GET /clips/{clip_id}/thumbnail": RESIDENTS,
    "GET /clip-refusals": RESIDENTS,
    "DELETE /clip-refusals/{refusal_id}": RESIDENTS,
    # tus: creation, state, bytes and termination of one's own clip uploads; a camera's
    # device token may too (cameras/tests/test_tus.py). The capabilities are public.
    "clip_uploads:upload": RESIDENTS,
    "OPTIONS /clip-uploads/": EVERYONE,
    "POST /clip-uploads/": RESIDENTS,
    "HEAD /clip-uploads/{upload_id}": RESIDENTS,
    "PATCH /clip-uploads/{upload_id}": RESIDENTS,
    "DELETE /clip-uploads/{upload_id}": RESIDENTS,
}
SAMPLE_KWARGS = {
    "media_id": 999999,
    "camera_id": 999999,
    "post_id": 999999,
    "comment_id": 999999,
    "appeal_id": 999999,
    "kind": "post",
    "item_id": 999999,
    "revision_id": 999999,
    "token_id": 999999,
    "key": "1-set-password",
    "uidb36": "1",
    "app_label": "accounts",
    "slug": "agency-a",
    "membership_id": 999999,
    "thread_id": 999999,
    "invitation_id": 999999,
    "token": "not-an-invitation",
    "import_id": 999999,
    "clip_id": 999999,
    "refusal_id": 999999,
    "upload_id": "00000000-0000-4000-8000-000000000000",
}
ROLE_REFUSAL = b"Your role does not give access"


def _is_ours(name: str, callback) -> bool:
    return callback.__module__.startswith("commonwatch.") and ":" in name


def test_every_page_declares_an_access_rule():
    undeclared = [
        f"{name} ({route})"
        for name, route, callback in page_patterns()
        if rule_for(callback, Named(name)) is None
    ]
    assert undeclared == []


def test_every_api_operation_declares_an_access_rule():
    undeclared = [
        key
        for key, operation in api_operations()
        if not operation.auth_callbacks
        or any(
            isinstance(cb, DenyUndeclared) or not isinstance(cb, ApiAccess)
            for cb in operation.auth_callbacks
        )
    ]
    assert undeclared == []


def test_every_own_page_and_endpoint_is_in_the_matrix():
    own = {name for name, _route, callback in page_patterns() if _is_ours(name, callback)}
    own |= {key for key, _op in api_operations()}
    assert own - set(MATRIX) == set(), "add these to MATRIX"
    assert set(MATRIX) - own == set(), "MATRIX names URLs that no longer exist"


def _client_for(client, user):
    if user is not None:
        sign_in(client, user)
    return client


# Object pages where someone of the right kind, but not of this object, is told it does
# not exist (404) rather than refused (403): agency A's page, for officers of agency B.
HIDES_OTHERS = frozenset({"organizations:organization"})


def _is_refused(response, user, key: str = "") -> bool:
    if response.status_code == 403:
        return True
    if user is None and response.status_code in (301, 302):
        return "/accounts/login/" in response.headers.get("Location", "")
    if response.status_code == 404 and key in HIDES_OTHERS:
        return True
    return user is None and response.status_code == 401


def _request(client, key: str):
    if key.split(" ")[0] in ("GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"):
        method, path = key.split(" ", 1)
        path = path.format(
            **{k: v for k, v in SAMPLE_KWARGS.items() if k.endswith("id") or k == "kind"}
        )
        if method in ("GET", "HEAD", "OPTIONS"):
            return client.generic(method, f"/api/v1{path}")
        return client.generic(method, f"/api/v1{path}", "{}", content_type="application/json")
    return client.get(reverse(key, kwargs=_kwargs_for(key)))


def _kwargs_for(name: str) -> dict:
    route = next(route for n, route, _cb in page_patterns() if n == name)
    return {k: v for k, v in SAMPLE_KWARGS.items() if f"<{k}>" in route or f":{k}>" in route}


@pytest.mark.parametrize("key", sorted(MATRIX))
@pytest.mark.parametrize("who", PERSONAS)
def test_matrix(client, cast, key, who):
    user = cast[who]
    response = _request(_client_for(client, user), key)
    if who in MATRIX[key]:
        assert not _is_refused(response, user), f"{who} was refused {key}"
        assert response.status_code not in (401, 403)
    else:
        assert _is_refused(response, user, key), f"{who} got {response.status_code} on {key}"
        if user is not None:
            assert user.email.encode() not in response.content


def third_party_urls():
    urls = []
    for name, _route, callback in page_patterns():
        if _is_ours(name, callback) or not name:
            continue
        try:
            urls.append((name, reverse(name)))
        except NoReverseMatch:
            try:
                urls.append((name, reverse(name, kwargs=_kwargs_for(name))))
            except NoReverseMatch:
                continue
    return urls


@pytest.mark.parametrize("who", PERSONAS)
def test_third_party_pages_follow_their_declared_rule(client, cast, who):
    user = cast[who]
    client = _client_for(client, user)
    for name, url in third_party_urls():
        if name in ("account_logout", "admin:logout", "admin:autocomplete"):
            continue  # sign the client out, or refuse a request without its query
        rule = rule_for(lambda: None, Named(name))
        response = client.get(url)
        if rule.allows(user):  # the view itself may still refuse (e.g. the admin's add pages)
            assert ROLE_REFUSAL not in response.content, f"{who} refused {name}"
        else:
            assert _is_refused(response, user), f"{who} got {response.status_code} on {name}"
