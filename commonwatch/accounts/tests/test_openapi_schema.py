"""The API describes itself at /api/v1/openapi.json."""

from __future__ import annotations


def test_the_openapi_schema_is_served_and_lists_the_profile_endpoint(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Commonwatch API"
    assert "/api/v1/me" in schema["paths"]
    assert "put" in schema["paths"]["/api/v1/me/home"]
