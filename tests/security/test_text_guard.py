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
    assert "name" in response.content.decode()
    assert Project.objects.get(pk=world.own.pk).name == "牧野路改造工程"


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
