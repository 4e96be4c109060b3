"""The API describes itself at /api/v1/openapi.json."""

from __future__ import annotations


def test_the_openapi_schema_is_served_and_lists_the_profile_endpoint(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Commonwatch API"
    assert "/api/v1/me" in schema["paths"]
    assert "put" in schema["paths"]["/api/v1/me/home"]


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_each_error_it_can_answer_with_its_body(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    for name, operation in _operations(schema):
        public = not operation.get("security")
        expected = {"400", "413", "422"} | (set() if public else {"401", "403", "404", "409"})
        documented = set(operation["responses"])
        assert expected <= documented, f"{name} leaves out {expected - documented}"
        for status in expected:
            content = operation["responses"][status]["content"]["application/json"]
            assert "schema" in content, f"{name} {status} has no body schema"


def test_public_operations_ask_for_no_sign_in_and_the_rest_take_a_token_or_a_session(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operations = dict(_operations(schema))

    assert "security" not in operations["GET /api/v1/moderation/log"]
    assert operations["GET /api/v1/feed"]["security"] == [{"token": []}, {"session": []}]
    assert set(schema["components"]["securitySchemes"]) == {"token", "session"}


def test_a_rule_that_makes_a_field_required_shows_in_the_document(client, db):
    """A rejection must cite a rule and give a reason; an appeal names one post or comment."""
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]

    assert set(components["Rejection"]["required"]) == {"action", "rule", "reason"}
    assert components["Rejection"]["properties"]["reason"]["minLength"] == 1
    assert components["Approval"]["required"] == ["action"]
    assert components["AppealIn"]["required"] == ["statement"]
    assert {"post_id", "comment_id"} <= set(components["AppealIn"]["properties"])


def test_every_request_body_refuses_fields_it_does_not_know(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    bodies = {
        ref.rsplit("/", 1)[-1]
        for _key, operation in _operations(schema)
        for content in operation.get("requestBody", {}).get("content", {}).values()
        for ref in [content["schema"].get("$ref", "")]
        if ref
    }

    assert {"HomeIn", "CommentIn", "AppealIn", "FlagIn", "ResolvedIn"} <= bodies
    open_to_anything = sorted(
        name
        for name in bodies
        if components[name].get("additionalProperties") is not False
        and "oneOf" not in components[name]
    )
    assert open_to_anything == []
