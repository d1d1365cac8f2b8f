from django.test import Client


def test_openapi_lists_the_paths(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "keyworks API"
    assert (
        "认证" in schema["info"]["description"]
        and "Authentication" not in schema["info"]["description"]
    )
    english = Client(headers={"accept-language": "en"}).get("/api/openapi.json").json()
    assert "**Authentication**" in english["info"]["description"]
    ranking = schema["paths"]["/api/rankings"]["get"]["description"]
    assert ranking.startswith("两月推进排名")
    assert english["paths"]["/api/rankings"]["get"]["description"].startswith("A period's ranking")
    paths = schema["paths"]
    assert {
        "/api/me",
        "/api/programmes",
        "/api/programmes/{code}",
        "/api/regions",
        "/api/units",
        "/api/projects",
        "/api/projects/{project_id}",
    } <= set(paths)
    assert set(paths["/api/projects"]) == {"get", "post"}
    assert set(paths["/api/projects/{project_id}"]) == {"get", "patch"}
    params = {p["name"] for p in paths["/api/projects"]["get"]["parameters"]}
    assert {"programme", "category", "district", "stage", "q", "page", "page_size"} <= params
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


def test_docs_page_renders(db):
    response = Client().get("/api/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_every_operation_declares_the_errors_it_can_answer(db):
    """400 (refused text, core.text) anywhere; 413 (body too large) and 409 (stale
    version) on every write."""
    paths = Client().get("/api/openapi.json").json()["paths"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "400" in codes, (method, path)
            if method != "get":
                assert {"409", "413"} <= codes, (method, path)
