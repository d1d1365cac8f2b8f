"""Text is checked at the edge: NUL and other control characters, direction overrides and
values made only of invisible characters are refused with a 400 naming the field, on
pages, filters and the API alike; nothing is stored."""

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from keyworks.core.text import text_error
from keyworks.ledger.models import Project
from tests.api.conftest import Api


@pytest.mark.parametrize(
    "value",
    [
        "牧野路\x00改造",
        "名称\x01",
        "名称\x0b",
        "\x7f",
        "项目\u202e工程",
        "\u2066名称\u2069",
        "\u200b\u200b",
        "\ufeff \u200d",
    ],
)
def test_control_direction_and_invisible_only_text_is_refused(value):
    assert text_error(value) is not None


@pytest.mark.parametrize("value", ["牧野路改造工程", "第一行\n第二行\t缩进\r\n", "A\u200bB", "  "])
def test_ordinary_text_passes(value):
    assert text_error(value) is None


def test_a_page_form_with_nul_answers_400_and_saves_nothing(world):
    client = world.client(world.office)
    url = reverse("ledger:project_edit", args=[world.own.pk])
    response = client.post(url, {"name": "牧野路\x00改造", "version": world.own.version})
    assert response.status_code == 400
    assert "name" in response.content.decode() and "提交的文字无法保存" in response.content.decode()
    assert Project.objects.get(pk=world.own.pk).name == "牧野路改造工程"
    response = client.post(
        url,
        {"name": "牧野路\x00改造", "version": world.own.version},
        headers={"accept-language": "en"},
    )
    page = response.content.decode()
    assert "The submitted text cannot be saved" in page and "Contains control characters" in page


@pytest.mark.parametrize("query", ["q=%00", "q=%E2%80%AE", "%00=1"])
def test_a_list_filter_with_control_text_answers_400(world, query):
    response = world.client(world.office).get(reverse("ledger:project_list") + "?" + query)
    assert response.status_code == 400


def test_the_api_names_the_field_in_json(world):
    api = Api(world.office)
    response = api.patch(
        f"/api/projects/{world.own.pk}",
        {"name": "\u200b\u200b", "version": world.own.version},
    )
    assert response.status_code == 400
    body = response.json()
    assert "name" in body["errors"] and "不可见" in body["errors"]["name"][0]
    assert Project.objects.get(pk=world.own.pk).name == "牧野路改造工程"
    response = api.get("/api/projects", {"programme": "jz2025", "q": "\x00"})
    assert response.status_code == 400 and response.json()["errors"]["q"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_an_api_body_over_the_limit_gets_a_json_error(world):
    api = Api(world.office)
    response = api.client.post(
        "/api/problems",
        data=json.dumps({"description": "x" * 5000}),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert "请求体超过" in response.json()["detail"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "", "application/vnd.api+json", "application/x-www-form-urlencoded"],
)
def test_an_api_body_over_the_limit_gets_a_json_error_whatever_its_type(world, content_type):
    response = Api(world.office).client.post(
        "/api/problems", data=json.dumps({"description": "x" * 5000}), content_type=content_type
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "请求体超过 1 KB"


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10)
def test_too_many_fields_get_a_json_error_on_the_api_and_django_400_on_pages(world):
    api = Api(world.office)
    many = "&".join(f"f{n}=1" for n in range(20))
    listed = api.get(f"/api/problems?{many}")
    assert listed.status_code == 400 and "参数超过 10 个" in listed.json()["detail"]
    posted = api.client.post(
        "/api/problems", data=many, content_type="application/x-www-form-urlencoded"
    )
    assert posted.status_code == 400 and "参数超过 10 个" in posted.json()["detail"]
    page = world.client(world.office).get(f"/ledger/?{many}")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_an_api_body_is_checked_whatever_content_type_it_claims(world):
    body = json.dumps({"description": "路面\x00塌陷", "project": world.own.pk})
    response = Api(world.office).client.post("/api/problems", data=body, content_type="text/plain")
    assert response.status_code == 400
    assert "description" in response.json()["errors"]
