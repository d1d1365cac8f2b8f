import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from keyworks.audit import revisions
from keyworks.audit.services import record_change
from keyworks.core.calendar import local_today
from keyworks.dashboards import schedule
from keyworks.ledger.models import Milestone, Project, TaskForce
from tests.conftest import make_project

PAGE = "/dashboards/schedule/"
DATA = "/dashboards/schedule/data.json"
EXPORT = "/dashboards/schedule/export.xlsx"
DAY = datetime.timedelta(days=1)


def get_json(client, url=DATA, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def on(data, days):
    """A payload date (whole days after `d0`) as a date."""
    return None if days is None else datetime.date.fromisoformat(data["d0"]) + days * DAY


def with_milestones(world):
    """`own`: one milestone done on time, one done late, one overdue, one pending."""
    today = local_today()
    Project.objects.filter(pk=world.own.pk).update(
        planned_start=today - 200 * DAY,
        planned_finish=today + 200 * DAY,
        actual_start=today - 190 * DAY,
    )
    Milestone.objects.bulk_create(
        [
            Milestone(project=world.own, name="开工", planned_date=today - 180 * DAY,
                      actual_date=today - 185 * DAY),
            Milestone(project=world.own, name="主体封顶", planned_date=today - 90 * DAY,
                      actual_date=today - 80 * DAY),
            Milestone(project=world.own, name="设备安装", planned_date=today - 10 * DAY),
            Milestone(project=world.own, name="竣工验收", planned_date=today + 150 * DAY),
        ]
    )  # fmt: skip
    return today


def test_milestone_states():
    today = datetime.date(2025, 6, 1)
    planned = datetime.date(2025, 5, 1)
    assert schedule.milestone_state(planned, planned, today) == schedule.DONE
    assert schedule.milestone_state(planned, planned + DAY, today) == schedule.LATE
    assert schedule.milestone_state(planned, None, today) == schedule.OVERDUE
    assert schedule.milestone_state(today, None, today) == schedule.PENDING


def test_backward_planning_from_the_deadline():
    deadline = datetime.date(2025, 12, 31)
    assert schedule.derive_backward(deadline, [30, 60, 90]) == [
        datetime.date(2025, 12, 31) - datetime.timedelta(days=150),
        datetime.date(2025, 12, 31) - datetime.timedelta(days=90),
        deadline,
    ]
    # A missing duration breaks the chain before it; no deadline, nothing derived.
    assert schedule.derive_backward(deadline, [30, None, 90])[0] is None
    assert schedule.derive_backward(None, [30, 60]) == [None, None]


def test_programme_view_has_a_row_per_project_with_milestone_states(world):
    today = with_milestones(world)
    data = get_json(world.client(world.member))
    assert data["view"] == "programme"
    assert data["today"] == today.isoformat()
    assert [r[0] for r in data["rows"]] == [world.own.pk, world.other.pk]
    assert data["groups"] == ["十大工业", "十大基础设施"]
    own = data["rows"][0]
    assert own[1] == "1. 牧野路改造工程"
    assert own[2] == 0 and data["rows"][1][2] == 1  # category index
    assert data["d0"] == data["range"][0] == (today - 200 * DAY).isoformat()
    assert own[4] == 0 and on(data, own[4]) == today - 200 * DAY
    assert on(data, own[6]) == today - 190 * DAY and own[7] is None
    assert [on(data, m[1]) for m in own[8]][2] == today - 10 * DAY
    assert on(data, own[8][0][2]) == today - 185 * DAY and own[8][2][2] is None
    assert all(len(m) == 4 for m in own[8])  # no derived dates without durations
    states = [data["states"]["v"][m[3]] for m in own[8]]
    assert states == [schedule.STATE_LABELS[s] for s in schedule.STATES]  # done, late, overdue…
    assert data["overdue"] == 1
    assert data["rows"][1][8] == []


def test_filters_change_the_rows(world):
    with_milestones(world)
    client = world.client(world.office)
    by_category = get_json(client, category=world.infra.pk)
    assert [r[0] for r in by_category["rows"]] == [world.other.pk]
    by_district = get_json(client, district=world.district_a.pk)
    assert [r[0] for r in by_district["rows"]] == [world.own.pk]
    all_rows = get_json(client)
    light = all_rows["rows"][0][3]
    colour = schedule.warning_lights.COLORS[light]
    same = get_json(client, light=colour)
    assert world.own.pk in [r[0] for r in same["rows"]]
    others = [c for c in schedule.warning_lights.COLORS if c != colour]
    for other in others:
        assert world.own.pk not in [r[0] for r in get_json(client, light=other)["rows"]]
    assert client.get(DATA, {"light": "purple"}).status_code == 404


def test_project_view_has_a_row_per_milestone(world):
    today = with_milestones(world)
    data = get_json(world.client(world.district), project=world.own.pk)
    assert data["view"] == "project"
    assert [r[1] for r in data["rows"]] == [
        "牧野路改造工程（全程）",
        "开工",
        "主体封顶",
        "设备安装",
        "竣工验收",
    ]
    overdue = data["rows"][3]
    assert on(data, overdue[4]) == today - 90 * DAY  # from the previous milestone
    assert on(data, overdue[5]) == today - 10 * DAY
    assert overdue[8][0][3] == schedule.STATES.index(schedule.OVERDUE)


def test_page_renders_filters_and_chart(world):
    response = world.client(world.leader).get(PAGE)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="schedule-chart"' in text and "dashboards/schedule.js" in text
    assert 'name="light"' in text and "@page" in text  # light filter, print stylesheet


@pytest.mark.parametrize(
    "role", ["office", "leader", "inspector", "member", "other_member", "district",
             "department_user"],
)  # fmt: skip
def test_every_programme_member_reads_page_data_and_export(world, role):
    client = world.client(getattr(world, role))
    for url in (PAGE, DATA, EXPORT):
        assert client.get(url).status_code == 200, url
    assert client.get(DATA, {"project": world.other.pk}).status_code == 200


def test_outsiders_and_anonymous_are_kept_out(world):
    outsider = world.client(world.outsider)
    anonymous = world.client(None)
    for url in (PAGE, DATA, EXPORT):
        assert outsider.get(url).status_code == 404
        assert anonymous.get(url).status_code == 302
    member = world.client(world.member)
    assert member.get(DATA, {"project": 999999}).status_code == 404


def add_projects(world, count: int, start: int = 3) -> None:
    today = local_today()
    for seq in range(start, start + count):
        district = world.district_a if seq % 2 else world.district_b
        project = make_project(
            world.programme, world.infra, seq, f"项目{seq}", district, f"专班{seq}",
            planned_start=today - 100 * DAY, planned_finish=today + 100 * DAY,
        )  # fmt: skip
        Milestone.objects.bulk_create(
            [Milestone(project=project, name=f"节点{k}", planned_date=today + k * 30 * DAY)
             for k in range(-2, 3)]
        )  # fmt: skip


@pytest.mark.parametrize("params", [{}, {"project": "own"}, {"category": "infra"}])
def test_query_count_is_constant_as_projects_grow(world, params):
    params = dict(params)
    if params.get("project"):
        params["project"] = world.own.pk
    if params.get("category"):
        params["category"] = world.infra.pk
    client = world.client(world.office)
    add_projects(world, 1)
    client.get(DATA, params)  # warm the session

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(DATA, params).status_code == 200
        return len(ctx)

    small = count()  # 3 projects
    add_projects(world, 27, start=4)
    assert Project.objects.filter(programme=world.programme).count() == 30
    assert count() == small
    expected = {"project": 1, "category": 29}  # `own` has no milestones here
    rows = get_json(client, **params)["rows"]
    assert len(rows) == next((n for key, n in expected.items() if key in params), 30)


def test_export_is_a_gantt_sheet(world):
    today = with_milestones(world)
    response = world.client(world.inspector).get(EXPORT, {"category": world.industry.pk})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb["作战图"]
    header = [c.value for c in ws[3]]
    assert header[:8] == ["序号", "项目名称", "项目类别", "节点", "计划完成", "实际完成",
                          "状态", "预警灯"]  # fmt: skip
    months = header[8:]
    assert f"{today:%Y-%m}" in months and months == sorted(months)
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert [r[3] for r in rows] == ["开工", "主体封顶", "设备安装", "竣工验收"]
    overdue = rows[2]
    assert overdue[4].date() == today - 10 * DAY and overdue[5] is None
    assert overdue[6] == "逾期未完成"
    # The overdue milestone is red from its planned month to this month.
    row_cells = list(ws.iter_rows(min_row=6, max_row=6))[0]
    column = 8 + months.index(f"{today:%Y-%m}")
    assert row_cells[column].fill.fgColor.rgb.endswith("FF8787")
    planned_col = 8 + months.index(f"{today - 180 * DAY:%Y-%m}")
    first = list(ws.iter_rows(min_row=4, max_row=4))[0]
    assert first[planned_col].fill.fgColor.rgb.endswith(("8CE99A", "9EC5FE"))
    assert ws.freeze_panes == "I4"
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$3:$3"


def test_export_escapes_formulas(world):
    with_milestones(world)
    Milestone.objects.create(project=world.other, name="=HYPERLINK(1)", planned_date=local_today())
    response = world.client(world.office).get(EXPORT)
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = [row[3].value for row in wb["作战图"].iter_rows(min_row=4)]
    assert "'=HYPERLINK(1)" in names


def test_zero_projects(world):
    Project.objects.all().delete()
    TaskForce.objects.all().delete()
    data = get_json(world.client(world.office))
    assert data["rows"] == [] and data["n"] == 0
    assert (data["page"], data["pages"], data["count"]) == (1, 1, 0)
    assert world.client(world.office).get(EXPORT).status_code == 200


def test_derived_dates_travel_in_the_payload():
    """When durations exist (a future `Milestone.duration_days`), the derived planned
    date is the fifth item of a milestone and the project view plans from it."""
    today = datetime.date(2025, 6, 1)
    planned, derived = datetime.date(2025, 5, 1), datetime.date(2025, 4, 20)
    milestone = schedule.MilestoneRow(7, "主体封顶", planned, None, schedule.OVERDUE, derived)
    row = schedule.ProjectRow(
        1, 1, "项目", "类别", 0, "red", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31),
        None, None, [milestone],
    )  # fmt: skip
    plan = schedule.Schedule(today, datetime.date(2025, 5, 1), ["类别"], [row])
    data = schedule.payload(plan)
    assert data["d0"] == "2025-01-01"
    assert on(data, data["rows"][0][8][0][4]) == derived
    project = schedule.payload(plan, project=object())
    assert on(project, project["rows"][1][5]) == derived


def test_durations_derive_planned_dates_through_the_data_endpoint(world):
    """倒排工期: with durations, each milestone's planned date is derived backward from the
    project's planned finish and travels as the fifth item; the recorded date stays."""
    today = local_today()
    finish = today + 200 * DAY
    Project.objects.filter(pk=world.own.pk).update(
        planned_start=today - 100 * DAY, planned_finish=finish
    )
    Milestone.objects.bulk_create(
        [
            Milestone(project=world.own, name="开工", planned_date=finish - 150 * DAY,
                      duration_days=60),
            Milestone(project=world.own, name="主体封顶", planned_date=finish - 95 * DAY,
                      duration_days=40),
            Milestone(project=world.own, name="竣工验收", planned_date=finish, duration_days=100),
            Milestone(project=world.other, name="设计", planned_date=today + 10 * DAY),
        ]
    )  # fmt: skip
    data = get_json(world.client(world.leader))
    rows = {r[0]: r for r in data["rows"]}
    own = rows[world.own.pk][8]
    assert [m[0] for m in own] == ["开工", "主体封顶", "竣工验收"]
    assert [on(data, m[1]) for m in own] == [finish - 150 * DAY, finish - 95 * DAY, finish]
    assert [on(data, m[4]) for m in own] == [finish - 140 * DAY, finish - 100 * DAY, finish]
    assert [len(m) for m in rows[world.other.pk][8]] == [4]  # no durations, nothing derived

    project = get_json(world.client(world.leader), project=world.own.pk)
    # The project view plans each milestone's bar up to its derived date.
    assert [on(project, r[5]) for r in project["rows"][1:]] == [
        finish - 140 * DAY,
        finish - 100 * DAY,
        finish,
    ]
    assert all(len(r[8][0]) == 5 for r in project["rows"][1:])


# --- pages of projects (programme view) ---


def paged_world(world, monkeypatch, page_size=2):
    """`own` (with milestones: the widest dates), `other` and 项目3–5, `page_size` a page."""
    today = with_milestones(world)
    add_projects(world, 3)
    monkeypatch.setattr(schedule, "PAGE_SIZE", page_size)
    return today


def test_pages_carry_the_next_rows_and_whole_set_figures(world, monkeypatch):
    today = paged_world(world, monkeypatch)
    client = world.client(world.office)
    monkeypatch.setattr(schedule, "PAGE_SIZE", 100)
    everything = get_json(client)
    order = [r[0] for r in everything["rows"]]
    assert len(order) == 5 and order[0] == world.own.pk
    monkeypatch.setattr(schedule, "PAGE_SIZE", 2)

    pages = [get_json(client, page=n) for n in (1, 2, 3)]
    assert [[r[0] for r in p["rows"]] for p in pages] == [order[:2], order[2:4], order[4:]]
    assert get_json(client)["rows"] == pages[0]["rows"]  # no ?page= is page 1
    for number, data in enumerate(pages, start=1):
        assert (data["page"], data["pages"], data["count"], data["page_size"]) == (
            number, 3, 5, 2,
        )  # fmt: skip
        # The axis and the totals are the whole filtered set's on every page: `own` (on
        # page 1 only) sets both ends of the range; 1 overdue in `own` + 2 in each 项目N.
        assert data["range"] == everything["range"] and data["d0"] == everything["d0"]
        assert data["range"] == [(today - 200 * DAY).isoformat(), (today + 200 * DAY).isoformat()]
        assert (data["n"], data["overdue"]) == (5, 7)
        # Rows keep their meaning: dates are still days after the shared d0.
        full = {r[0]: r for r in everything["rows"]}
        assert all(r == full[r[0]] for r in data["rows"])


def test_paging_follows_the_filters(world, monkeypatch):
    paged_world(world, monkeypatch)
    client = world.client(world.office)
    infra = [get_json(client, category=world.infra.pk, page=n) for n in (1, 2)]
    assert [(d["count"], d["pages"]) for d in infra] == [(4, 2), (4, 2)]
    rows = [r[0] for d in infra for r in d["rows"]]
    assert len(rows) == len(set(rows)) == 4 and world.own.pk not in rows


def test_a_page_past_the_end_is_the_last_page(world, monkeypatch):
    paged_world(world, monkeypatch)
    client = world.client(world.office)
    last = get_json(client, page=3)
    for beyond in (4, 99, "1" + "0" * 40, "9" * 5000):
        data = get_json(client, page=beyond)
        assert data["page"] == 3 and data["rows"] == last["rows"]
    assert get_json(client, page="0" * 40 + "2")["page"] == 2  # leading zeros are fine


@pytest.mark.parametrize("bad", ["0", "-1", "abc", "1.5", " 2", "+2", "²", "000"])
def test_a_bad_page_is_404(world, monkeypatch, bad):
    paged_world(world, monkeypatch)
    client = world.client(world.office)
    response = client.get(DATA, {"page": bad})
    assert response.status_code == 404
    assert client.get(PAGE, {"page": bad}).status_code == 404
    # The single-project view has no pages and ignores the parameter.
    data = get_json(client, project=world.own.pk, page=bad)
    assert data["view"] == "project" and "page" not in data and len(data["rows"]) == 5


def test_pages_are_cached_separately(world, monkeypatch, settings):
    paged_world(world, monkeypatch)
    client = world.client(world.office)
    third = get_json(client, page=3)["rows"][0][0]  # built without reuse
    settings.MEASURES_CACHE = True
    revisions.clear()
    try:
        first, second = get_json(client, page=1), get_json(client, page=2)
        assert first["rows"] != second["rows"] and second["page"] == 2
        # Reused per page until the data changes: a change without a change record is
        # not seen on the pages already built…
        for n, pk in enumerate([second["rows"][0][0], third]):
            Project.objects.filter(pk=pk).update(name=f"改名{n}")
        assert get_json(client, page=2)["rows"] == second["rows"]
        assert get_json(client, page=1)["rows"] == first["rows"]
        # …while a page asked for the first time is built from the data as it is.
        assert get_json(client, page=3)["rows"][0][1].endswith("改名1")
        # A recorded change (every write to programme data is audited) rebuilds the others.
        record_change(
            by=world.office, action="update", obj=world.own, programme_id=world.programme.pk
        )
        assert get_json(client, page=2)["rows"][0][1].endswith("改名0")
    finally:
        revisions.clear()


def test_query_count_is_the_same_on_a_later_page(world, monkeypatch):
    monkeypatch.setattr(schedule, "PAGE_SIZE", 10)
    client = world.client(world.office)
    add_projects(world, 1)
    client.get(DATA)  # warm the session

    def count(page):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(DATA, {"page": page}).status_code == 200
        return len(ctx)

    small = count(1)  # 3 projects, one page
    add_projects(world, 27, start=4)
    assert count(1) == count(3) == count(2) == small
    data = get_json(client, page=3)
    assert (data["page"], data["pages"], data["count"], len(data["rows"])) == (3, 3, 30, 10)


def test_export_stays_the_whole_filtered_set(world, monkeypatch):
    paged_world(world, monkeypatch, page_size=1)
    client = world.client(world.office)
    assert client.get(PAGE, {"page": 2}).status_code == 200
    response = client.get(EXPORT, {"page": 2})
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = {row[1].value for row in wb["作战图"].iter_rows(min_row=4)} - {None}
    assert {"牧野路改造工程", "项目3", "项目4", "项目5"} <= names
    # The page's export link carries the filters, not the page.
    text = client.get(PAGE, {"page": 2, "category": world.infra.pk}).content.decode()
    assert f"category={world.infra.pk}" in text and "page=2" not in text


def test_payload_pages_a_schedule_directly(monkeypatch):
    today = datetime.date(2025, 6, 1)
    rows = [
        schedule.ProjectRow(n, n, f"项目{n}", "类别", 0, None, today + n * DAY, None, None, None)
        for n in range(1, 6)
    ]
    plan = schedule.Schedule(today, today, ["类别"], rows)
    monkeypatch.setattr(schedule, "PAGE_SIZE", 2)
    first, last = schedule.payload(plan), schedule.payload(plan, page=3)
    assert [r[0] for r in first["rows"]] == [1, 2] and [r[0] for r in last["rows"]] == [5]
    for data in (first, last):  # today … the last planned start, on every page
        assert data["range"] == ["2025-06-01", "2025-06-06"]
        assert (data["pages"], data["count"], data["n"], data["page_size"]) == (3, 5, 5, 2)
    assert (first["page"], last["page"]) == (1, 3)
