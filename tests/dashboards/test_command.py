import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyworks.coordination import services as problem_services
from keyworks.ledger.models import Project, Stage
from keyworks.reporting import lights as warning_lights
from keyworks.reporting.measures import project_measures, rollup
from tests.conftest import make_project
from tests.coordination.conftest import backdate, raised
from tests.reporting.conftest import accepted

PAGE = "/dashboards/"
DATA = "/dashboards/command/data.json"
MAY = datetime.date(2025, 5, 1)
IN_MAY = datetime.datetime(2025, 5, 6, 9, 0, tzinfo=datetime.UTC)


def busy_world(world):
    """Stages, an accepted April and May report for `own`, nothing for `other`, and
    problems: one open, one open and overdue, one closed (all raised in May)."""
    Project.objects.filter(pk=world.other.pk).update(stage=Stage.CONSTRUCTION)
    accepted(world, month=datetime.date(2025, 4, 1), completed_this_month=Decimal("300.00"))
    accepted(world, month=MAY, completed_this_month=Decimal("100.00"))
    backdate(raised(world), IN_MAY)
    overdue = raised(world, deadline=datetime.date(2025, 5, 20), deadline_reason="补录历史问题")
    backdate(overdue, IN_MAY)
    closed = raised(world, project=world.other, description="供电线路迁改")
    closed = problem_services.resolve(closed, by=world.department_user, note="已迁改")
    closed = problem_services.close(closed, by=world.office, note="核实销号")
    backdate(closed, IN_MAY)
    return world


def get_json(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_it_needs_login_and_membership(world):
    anonymous = world.client(None)
    for url in (PAGE, DATA):
        assert anonymous.get(url).status_code == 302
    outsider = world.client(world.outsider)
    for url in (PAGE, DATA):
        assert outsider.get(url).status_code == 404
    for user in (world.office, world.leader, world.member, world.district):
        response = world.client(user).get(PAGE)
        assert response.status_code == 200
        assert "指挥中心" in response.content.decode()
        assert world.client(user).get(DATA).status_code == 200


def test_bad_month_is_400(world):
    assert world.client(world.office).get(PAGE, {"month": "2025-13"}).status_code == 400
    assert world.client(world.office).get(DATA, {"month": "May"}).status_code == 400


def test_every_figure_matches_the_list_it_links_to(world):
    busy_world(world)
    client = world.client(world.office)
    response = client.get(PAGE, {"month": "2025-05"})
    assert response.status_code == 200
    f = response.context["f"]
    html = response.content.decode()

    # projects by stage == the ledger list's total behind each link
    by_stage = {s["key"]: s for s in f["stages"]}
    assert by_stage[Stage.CONSTRUCTION]["count"] == 1
    for stage in f["stages"]:
        assert f'href="{stage["url"].replace("&", "&amp;")}"' in html
        listed = client.get(stage["url"]).context["totals"]["count"]
        assert listed == stage["count"], stage["key"]
    assert client.get(f["ledger_url"]).context["totals"]["count"] == f["projects"] == 2
    assert client.get(f["completed_url"]).context["totals"]["count"] == f["completed"]

    # investment, starts: the measures page's programme row
    total = client.get(f["measures_url"]).context["total"]
    assert f["ytd_completed"] == total.ytd_completed == Decimal("400.00")
    assert f["annual_target"] == total.annual_target == Decimal("8000.00")
    assert f["completion_rate"] == total.completion_rate == Decimal("5.0")
    assert f["elapsed"] == Decimal("41.7")
    assert (f["started"], f["new_projects"]) == (total.started, total.new_projects)

    # open and overdue problems as of the month's end == the problem list's rows
    open_rows = client.get(f["problems_open_url"]).context["problems"]
    assert f["problems_open"] == len(open_rows) == 2
    overdue_rows = client.get(f["problems_overdue_url"]).context["problems"]
    assert f["problems_overdue"] == len(overdue_rows) == 1

    # report timeliness == the month's report list
    counts = client.get(f["reports_url"]).context["counts"]
    reports = {r["key"]: r["count"] for r in f["reports"]}
    assert reports["on_time"] + reports["late"] == counts["submitted"] == 1
    assert reports["late"] == counts["late"] == 1
    assert reports["missing"] == counts["missing"] == 1
    assert "2025-05" in f["reports_url"]


def test_chart_data_comes_from_the_measures(world):
    busy_world(world)
    data = get_json(world.client(world.leader), DATA, month="2025-05")
    assert data["s"]["months"] == ["1月", "2月", "3月", "4月", "5月"]
    assert data["s"]["actual"] == ["0.00", "0.00", "0.00", "300.00", "400.00"]
    assert data["s"]["plan"][-1] == "3333.33"  # 8000 × 5/12
    assert data["s"]["plan"][0] == "666.67"

    measures = project_measures(world.programme, MAY)
    district = {row[0]: row for row in data["district"]}
    for r in rollup(measures, "district"):
        assert district[r.label][1] == (
            None if r.completion_rate is None else str(r.completion_rate)
        )
    assert district["解放区"][1] == "10.0"  # 400 / 4000
    category = [row[0] for row in data["category"]]
    assert category == [r.label for r in rollup(measures, "category")]

    lights = warning_lights.project_lights(world.programme, MAY, measures=measures)
    counts = warning_lights.count_lights(lights)
    by_colour = {s["name"]: sum(s["data"]) for s in data["lights"]["series"]}
    for colour in warning_lights.COLORS:
        assert by_colour[warning_lights.LABELS[colour]] == counts[colour]
    assert data["lights"]["districts"] == ["解放区", "武陟县"]

    weeks = data["problems"]
    assert len(weeks["weeks"]) == len(weeks["raised"]) == 12
    assert weeks["weeks"][-1] == "05-26"
    assert sum(weeks["raised"]) == 3  # all three raised in the week of 5 May
    assert weeks["raised"][weeks["weeks"].index("05-05")] == 3


def test_default_month_is_the_last_finished_month_in_the_programme_year(world):
    response = world.client(world.office).get(PAGE)
    assert response.context["month"].year == world.programme.year


@pytest.mark.parametrize("url", [PAGE, DATA])
def test_query_count_does_not_grow_with_projects(world, url):
    busy_world(world)
    client = world.client(world.office)
    client.get(url, {"month": "2025-05"})  # warm the session

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"month": "2025-05"}).status_code == 200
        return len(ctx)

    two = count()
    for seq in range(3, 21):
        district = world.district_a if seq % 2 else world.district_b
        make_project(world.programme, world.infra, seq, f"项目{seq}", district, f"专班{seq}")
    assert Project.objects.filter(programme=world.programme).count() == 20
    assert count() == two


def test_the_page_and_its_chart_words_follow_the_language(world):
    client = world.client(world.office)
    chinese = client.get(PAGE).content.decode()
    assert "指挥中心" in chinese and '"plan": "\\u8ba1\\u5212"' in chinese  # 计划
    english = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Command centre" in english and "指挥中心" not in english
    assert '"plan": "Plan"' in english and '"closed": "Closed"' in english
