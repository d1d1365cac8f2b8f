"""Factor pages and API: the permission matrix, filters, totals, htmx, export."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyworks.core.calendar import local_today
from keyworks.factors.models import FactorItem

from .conftest import item

LIST = "/factors/"
EXPORT = "/factors/export.xlsx"
API = "/api/factors"
ROLES = ["office", "leader", "inspector", "member", "other_member", "district", "department_user"]


def rows(response) -> set[int]:
    body = response.content.decode()
    return {int(part.split('"')[0]) for part in body.split('data-factor="')[1:]}


@pytest.mark.parametrize("who", ROLES)
def test_list_readable_by_everyone_in_the_programme(world, items, who):
    response = world.client(getattr(world, who)).get(LIST)
    assert response.status_code == 200
    assert rows(response) == {i.pk for i in items.values()}


def test_list_outsider_and_anonymous(world, items):
    assert world.client(world.outsider).get(LIST).status_code == 404
    assert world.client(world.outsider).get(EXPORT).status_code == 404
    assert world.client(None).get(LIST).status_code == 302


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=energy", {"overdue"}),
        ("district={a}", {"short", "overdue", "done"}),
        ("shortfall=on", {"short", "overdue", "other"}),
        ("overdue=on", {"overdue"}),
        ("responsible_unit={unit}", {"short", "overdue", "done"}),
        ("q=沿黄", {"other"}),
    ],
)
def test_list_filters(world, items, query, expected):
    query = query.format(a=world.district_a.pk, unit=world.department.pk)
    response = world.client(world.leader).get(f"{LIST}?{query}")
    assert rows(response) == {items[k].pk for k in expected}


def test_totals_per_kind(world, items):
    body = world.client(world.office).get(LIST + "?shortfall=on").content.decode()
    assert 'data-kind="energy"' in body and 'data-total-shortfall="400.00"' in body
    assert 'data-kind="water"' not in body  # no shortfall in water


def test_htmx_partial(world, items):
    response = world.client(world.office).get(
        LIST + "?overdue=on", headers={"HX-Request": "true", "HX-Target": "factor-table"}
    )
    body = response.content.decode()
    assert "<html" not in body and body.lstrip().startswith('<div id="factor-table">')
    assert rows(response) == {items["overdue"].pk}
    assert "overdue=on" in body  # the export link follows the filter


def test_export(world, items):
    item(world, demand=Decimal("10"), secured=Decimal("0"), note='=HYPERLINK("http://x")')
    response = world.client(world.district).get(EXPORT + "?shortfall=on")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    today = local_today()
    cn = f"{today.year}年{today.month}月{today.day}日"
    assert ws["A1"].value == f"{world.programme.name}要素保障清单（截至{cn}）"
    assert ws["A2"].value == f"导出日期：{today:%Y-%m-%d}"
    assert [c.value for c in ws[3]] == [
        "序号",
        "项目名称",
        "要素类别",
        "计量单位",
        "需求量",
        "已保障",
        "缺口",
        "责任单位",
        "保障时限",
        "状态",
        "备注",
    ]
    assert ws.freeze_panes == "C4" and ws.print_title_rows == "$3:$3"
    data = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    items_rows = [r for r in data if isinstance(r[0], int)]
    assert [r[0] for r in items_rows] == [1, 2, 3, 4]
    energy = next(r for r in items_rows if r[2] == "能耗")
    assert energy[4] == 500 and energy[6] == 400 and energy[9] == "逾期未保障"
    assert energy[8].date() == today - datetime.timedelta(days=1)
    formula = next(r for r in items_rows if r[10] == '=HYPERLINK("http://x")')
    assert formula[9] == "有缺口"
    note = ws.cell(4 + items_rows.index(formula), 11)
    assert note.data_type == "s" and note.quotePrefix
    totals = {r[2]: r for r in data[len(items_rows) :]}
    assert all(r[0] is None and r[1].startswith("合计：") for r in totals.values())
    assert totals["用地"][1:8] == ["合计：用地（2项）", "用地", "亩", 110, 60, 50, None]
    assert totals["用地"][9] == "缺口2项"
    assert totals["能耗"][6] == 400 and totals["资金"][6] == 2000
    assert ws.cell(ws.max_row, 2).font.b and not ws.cell(4, 2).font.b


def test_project_page_section(world, items):
    body = world.client(world.member).get(f"/ledger/{world.own.pk}/").content.decode()
    assert 'id="factors"' in body
    assert f'data-factor="{items["overdue"].pk}"' in body and 'data-overdue="1"' in body
    assert 'id="add-factor"' in body
    other = world.client(world.other_member).get(f"/ledger/{world.own.pk}/").content.decode()
    assert 'id="factors"' in other and 'id="add-factor"' not in other
    assert f"/factors/{items['short'].pk}/edit/" not in other


@pytest.mark.parametrize(
    ("who", "own", "other"),
    [
        ("office", 200, 200),
        ("member", 200, 403),
        ("other_member", 403, 200),
        ("district", 200, 403),
        ("leader", 403, 403),
        ("inspector", 403, 403),
        ("department_user", 403, 403),
        ("outsider", 404, 404),
    ],
)
def test_add_page_matrix(world, who, own, other):
    client = world.client(getattr(world, who))
    for project, status in ((world.own, own), (world.other, other)):
        url = f"/factors/project/{project.pk}/add/"
        assert client.get(url).status_code == status
        post = {"kind": "water", "demand": "12.5", "secured": "0", "unit": ""}
        response = client.post(url, post)
        assert response.status_code == (302 if status == 200 else status)
    assert FactorItem.objects.count() == [own, other].count(200)


def test_add_page_creates_with_default_unit(world):
    client = world.client(world.member)
    response = client.post(
        f"/factors/project/{world.own.pk}/add/",
        {
            "kind": "water",
            "demand": "12.5",
            "secured": "2",
            "unit": "",
            "responsible_unit": world.department.pk,
            "deadline": "2026-12-31",
        },
    )
    assert response.status_code == 302
    created = FactorItem.objects.get()
    assert (created.unit, created.demand, created.shortfall) == (
        "万立方米",
        Decimal("12.50"),
        Decimal("10.50"),
    )
    blank = client.post(
        f"/factors/project/{world.own.pk}/add/", {"kind": "talent", "demand": "4", "secured": ""}
    )
    assert blank.status_code == 302
    assert FactorItem.objects.get(kind="talent").secured == 0
    bad = client.post(f"/factors/project/{world.own.pk}/add/", {"kind": "water", "demand": "-3"})
    assert bad.status_code == 200 and "非负" in bad.content.decode()


@pytest.mark.parametrize(
    ("who", "status", "fields"),
    [
        ("office", 200, "all"),
        ("member", 200, "all"),
        ("district", 200, "all"),
        ("department_user", 200, "secured"),
        ("other_member", 403, None),
        ("leader", 403, None),
        ("inspector", 403, None),
        ("outsider", 404, None),
    ],
)
def test_edit_page_matrix(world, items, who, status, fields):
    factor = items["short"]
    client = world.client(getattr(world, who))
    url = f"/factors/{factor.pk}/edit/"
    response = client.get(url)
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert 'name="secured"' in body
        assert ('name="demand"' in body) is (fields == "all")
    response = client.post(
        url,
        {
            "secured": "90",
            "note": "已组卷上报",
            "version": "1",
            "kind": "land",
            "demand": "100",
            "unit": "亩",
        },
    )
    factor.refresh_from_db()
    if status == 200:
        assert response.status_code == 302 and factor.secured == Decimal("90")
    else:
        assert response.status_code == status and factor.secured == Decimal("60")


def test_edit_page_stale_version(world, items):
    factor = items["short"]
    client = world.client(world.department_user)
    url = f"/factors/{factor.pk}/edit/"
    assert client.post(url, {"secured": "70", "version": "1"}).status_code == 302
    response = client.post(url, {"secured": "75", "version": "1"})
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    factor.refresh_from_db()
    assert factor.secured == Decimal("70")


# --- API -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_api_list_for_everyone(world, items, who):
    response = world.client(getattr(world, who)).get(API + "?shortfall=true")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    energy = next(i for i in data["items"] if i["kind"] == "energy")
    assert energy["shortfall"] == "400.00" and energy["overdue"] is True
    assert energy["unit"] == "吨标煤" and energy["can_change"] is (
        who in {"office", "member", "district", "department_user"}
    )
    totals = {(t["kind"], t["unit"]): t for t in data["totals"]}
    assert totals[("land", "亩")]["shortfall"] == "40.00"


def test_api_outsider_and_anonymous(world, items):
    client = world.client(world.outsider)
    assert client.get(API).json() == {"count": 0, "totals": [], "items": []}
    assert client.get(f"{API}/{items['short'].pk}").status_code == 404
    assert (
        client.patch(
            f"{API}/{items['short'].pk}",
            {"version": 1, "secured": "1"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert world.client(None).get(API).status_code == 401


@pytest.mark.parametrize(
    ("who", "own", "other"),
    [
        ("office", 201, 201),
        ("member", 201, 403),
        ("district", 201, 403),
        ("leader", 403, 403),
        ("department_user", 403, 403),
        ("outsider", 404, 404),
    ],
)
def test_api_create_matrix(world, who, own, other):
    client = world.client(getattr(world, who))
    for project, status in ((world.own, own), (world.other, other)):
        body = {
            "project": project.pk,
            "kind": "labour",
            "demand": "300",
            "responsible_unit": world.department.pk,
        }
        response = client.post(API, body, content_type="application/json")
        assert response.status_code == status
        if status == 201:
            assert response.json()["unit"] == "人" and response.json()["shortfall"] == "300.00"


@pytest.mark.parametrize(
    ("who", "secured", "demand"),
    [
        ("office", 200, 200),
        ("member", 200, 200),
        ("district", 200, 200),
        ("department_user", 200, 403),
        ("other_member", 403, 403),
        ("leader", 403, 403),
    ],
)
def test_api_patch_matrix(world, items, who, secured, demand):
    factor = items["short"]
    client = world.client(getattr(world, who))
    url = f"{API}/{factor.pk}"
    response = client.patch(url, {"version": 1, "secured": "100"}, content_type="application/json")
    assert response.status_code == secured
    version = 2 if secured == 200 else 1
    if secured == 200:
        assert response.json()["shortfall"] == "0.00" and response.json()["version"] == 2
    response = client.patch(
        url, {"version": version, "demand": "150"}, content_type="application/json"
    )
    assert response.status_code == demand


def test_api_patch_stale_and_invalid(world, items):
    factor = items["short"]
    client = world.client(world.office)
    url = f"{API}/{factor.pk}"
    assert (
        client.patch(
            url, {"version": 1, "secured": "70"}, content_type="application/json"
        ).status_code
        == 200
    )
    assert (
        client.patch(
            url, {"version": 1, "secured": "80"}, content_type="application/json"
        ).status_code
        == 409
    )
    assert (
        client.patch(
            url, {"version": 2, "demand": "-5"}, content_type="application/json"
        ).status_code
        == 422
    )
    assert (
        client.patch(url, {"version": 2, "kind": None}, content_type="application/json").status_code
        == 422
    )
    assert (
        client.post(
            API,
            {"project": world.own.pk, "kind": "land", "demand": "1", "responsible_unit": 999999},
            content_type="application/json",
        ).status_code
        == 422
    )


def test_api_overdue_filter(world, items):
    today = local_today()
    item(
        world,
        kind="talent",
        deadline=today - datetime.timedelta(days=3),
        demand=Decimal("2"),
        secured=Decimal("2"),
    )  # past, but secured: not overdue
    data = world.client(world.leader).get(API + "?overdue=true").json()
    assert [i["id"] for i in data["items"]] == [items["overdue"].pk]


def test_query_counts_do_not_grow_with_items(world):
    for n in range(3):
        item(world, kind="labour", demand=Decimal(10 + n))
    client = world.client(world.district)  # its rule reads the projects' districts
    for url in (API, LIST, f"/ledger/{world.own.pk}/"):
        client.get(url)  # warm the session

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    before = (count(API), count(LIST), count(f"/ledger/{world.own.pk}/"))
    for n in range(5):
        item(world, kind="talent", demand=Decimal(20 + n))
        item(world, project=world.other, kind="water", demand=Decimal(20 + n))
    assert (count(API), count(LIST), count(f"/ledger/{world.own.pk}/")) == before


def test_pages_and_export_speak_chinese_by_default_and_english_on_request(world, items):
    client = world.client(world.district)
    assert "要素保障清单" in client.get(LIST).content.decode()
    english = client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Factor guarantees" in english and "要素保障清单" not in english
    response = client.get(EXPORT, HTTP_ACCEPT_LANGUAGE="en")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value.startswith(f"{world.programme.name} factor guarantees (as of ")
    assert [c.value for c in ws[3]][:3] == ["No.", "Project", "Kind"]
