"""The factor history (FactorEvent) and the list as of a past day: page, API, export."""

import datetime
import importlib
import io
from decimal import Decimal

import openpyxl
import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keyworks.core.calendar import local_today
from keyworks.factors import demo, services
from keyworks.factors.models import FactorEvent, FactorItem

from .conftest import item

LIST = "/factors/"
EXPORT = "/factors/export.xlsx"
API = "/api/factors"
TODAY = local_today()
PAST = TODAY - datetime.timedelta(days=3)


def rows(response) -> list[int]:
    body = response.content.decode()
    return [int(part.split('"')[0]) for part in body.split('data-factor="')[1:]]


def backdate(factor, days: int) -> None:
    when = timezone.now() - datetime.timedelta(days=days)
    FactorEvent.objects.filter(item=factor).update(at=when)
    FactorItem.objects.filter(pk=factor.pk).update(created_at=when)


@pytest.fixture
def history(world):
    """`old`: entered ten days ago (demand 100, secured 60, deadline five days ago), fully
    secured today; `new`: entered today."""
    old = item(world, deadline=TODAY - datetime.timedelta(days=5), note="待土地征收")
    backdate(old, 10)
    old = services.update_item(
        old, {"secured": Decimal("100"), "note": "已全部落实"}, by=world.office, expected_version=1
    )
    new = item(world, kind="water", demand=Decimal("8"), secured=Decimal("0"))
    return {"old": old, "new": new}


def test_every_create_and_change_appends_an_event(world):
    factor = item(world, by=world.member)
    first = FactorEvent.objects.get(item=factor)
    assert (first.demand, first.secured, first.actor) == (
        Decimal("100"),
        Decimal("60"),
        world.member,
    )
    services.update_item(factor, {"secured": Decimal("80")}, by=world.department_user)
    services.update_item(factor, {"secured": Decimal("80")}, by=world.office)  # no change
    events = list(FactorEvent.objects.filter(item=factor).order_by("at", "id"))
    assert [(e.secured, e.actor) for e in events] == [
        (Decimal("60.00"), world.member),
        (Decimal("80.00"), world.department_user),
    ]
    assert events[1].deadline == factor.deadline


def test_page_as_of_shows_the_old_figures(world, history):
    old, new = history["old"], history["new"]
    client = world.client(world.leader)
    assert set(rows(client.get(LIST))) == {old.pk, new.pk}
    response = client.get(LIST, {"as_of": PAST.isoformat()})
    assert rows(response) == [old.pk]  # `new` was entered later
    body = response.content.decode()
    assert 'id="as-of"' in body
    row = body.split(f'data-factor="{old.pk}"')[1].split("</tr>")[0]
    assert ">60<" in row and 'data-overdue="1"' in row and "待土地征收" in row
    assert 'data-total-shortfall="40.00"' in body
    now = client.get(LIST).content.decode().split(f'data-factor="{old.pk}"')[1]
    assert 'data-overdue="1"' not in now.split("</tr>")[0]
    assert rows(client.get(LIST, {"as_of": PAST.isoformat(), "overdue": "on"})) == [old.pk]
    assert rows(client.get(LIST, {"as_of": PAST.isoformat(), "shortfall": "on"})) == [old.pk]
    assert rows(client.get(LIST, {"overdue": "on"})) == []
    assert rows(client.get(LIST, {"shortfall": "on"})) == [new.pk]
    long_ago = (TODAY - datetime.timedelta(days=30)).isoformat()
    assert rows(client.get(LIST, {"as_of": long_ago})) == []


def test_api_as_of(world, history):
    old = history["old"]
    client = world.client(world.department_user)
    data = client.get(API, {"as_of": PAST.isoformat()}).json()
    assert data["count"] == 1
    (row,) = data["items"]
    assert row["id"] == old.pk and row["secured"] == "60.00" and row["shortfall"] == "40.00"
    assert row["overdue"] is True and row["note"] == "待土地征收"
    assert data["totals"][0]["shortfall"] == "40.00"
    now = client.get(API).json()
    assert now["count"] == 2
    current = next(i for i in now["items"] if i["id"] == old.pk)
    assert current["secured"] == "100.00" and current["overdue"] is False
    assert client.get(API, {"as_of": "2025-02-30"}).status_code == 422


def test_export_as_of(world, history):
    response = world.client(world.member).get(EXPORT, {"as_of": PAST.isoformat()})
    assert response.status_code == 200
    assert PAST.strftime("%Y%m%d") in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cn = f"{PAST.year}年{PAST.month}月{PAST.day}日"
    assert ws["A1"].value == f"{world.programme.name}要素保障清单（截至{cn}）"
    data = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    items_rows = [r for r in data if isinstance(r[0], int)]
    assert len(items_rows) == 1
    assert items_rows[0][5] == 60 and items_rows[0][6] == 40
    assert items_rows[0][9] == "逾期未保障" and items_rows[0][10] == "待土地征收"
    assert world.client(world.office).get(EXPORT, {"as_of": "bad"}).status_code == 400
    assert world.client(world.outsider).get(EXPORT, {"as_of": PAST}).status_code == 404


def test_query_counts_as_of_do_not_grow(world, history):
    client = world.client(world.district)
    urls = (f"{API}?as_of={PAST}", f"{LIST}?as_of={PAST}", f"{EXPORT}?as_of={PAST}")
    for url in urls:
        client.get(url)

    def count():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx))
        return counts

    before = count()
    for n in range(4):
        backdate(item(world, kind="labour", demand=Decimal(10 + n)), 5)
    assert count() == before


def test_demo_history(world):
    made = demo.load_demo(world.programme)
    assert made["factor_events"] > made["factor_items"] == 4
    client = world.client(world.office)
    assert client.get(API, {"as_of": "2025-02-09"}).json()["count"] == 0
    early = client.get(API, {"as_of": "2025-03-01"}).json()
    assert early["count"] == 4
    assert all(i["secured"] == "0.00" for i in early["items"])
    assert all(i["shortfall"] == i["demand"] for i in early["items"])
    later = {i["id"]: i for i in client.get(API).json()["items"]}
    assert any(i["secured"] != "0.00" for i in later.values())


def test_migration_backfills_one_event_per_item(world):
    migration = importlib.import_module("keyworks.factors.migrations.0002_factorevent")
    bare = FactorItem.objects.create(
        project=world.own, kind="land", demand=Decimal("5"), secured=Decimal("2")
    )
    logged = item(world)  # has its event already
    migration.backfill(apps, None)
    migration.backfill(apps, None)  # idempotent
    event = FactorEvent.objects.get(item=bare)
    assert (event.demand, event.secured, event.actor) == (Decimal("5.00"), Decimal("2.00"), None)
    assert event.at == FactorItem.objects.get(pk=bare.pk).created_at
    assert FactorEvent.objects.filter(item=logged).count() == 1
