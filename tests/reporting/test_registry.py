"""The figure registry: each headline figure reads the same on every surface that shows
it — the command dashboard, the big screen, the month summary, the measures and lights
API and the figures API — on the demo programme and on a generated one."""

import json
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import Client

from keyworks.coordination.extensions import as_of_day
from keyworks.demo.loader import load_demo
from keyworks.demo.synth import build_synth
from keyworks.orgs.models import Role, User
from keyworks.reporting.measures import default_month, project_measures, rollup
from keyworks.reporting.registry import FIGURES, headline
from keyworks.reporting.services import pause_project
from keyworks.reporting.summary import month_summary


def office_of(programme) -> User:
    return User.objects.filter(roles__role=Role.OFFICE, roles__programme=programme).first()


@pytest.fixture(params=["demo", "generated"])
def place(request, db):
    if request.param == "demo":
        programme = load_demo().programme
    else:
        programme = build_synth(projects=14, seed=9, months=12, problems=30).programme
        office = office_of(programme)
        pause_project(programme.projects.order_by("seq")[3], by=office, reason="征迁未完成")
    office = office_of(programme)
    client = Client()
    client.force_login(office)
    return programme, office, client, default_month(programme)


def yi(value: Decimal) -> str:
    return str((value / 10000).quantize(Decimal("0.01"), ROUND_HALF_UP))


def dashboard_figures(html: str) -> dict[str, str]:
    found = re.findall(r'data-figure="([\w-]+)"[^>]*>\s*(?:<strong>)?([^<]*)', html)
    return {key: value.strip() for key, value in found}


def test_every_figure_is_defined_once_with_a_label_and_a_definition():
    keys = [f.key for f in FIGURES]
    assert len(keys) == len(set(keys))
    assert all(str(f.label) and str(f.definition) and str(f.unit) for f in FIGURES)


def test_each_figure_reads_the_same_on_every_surface(place):
    programme, office, client, month = place
    h = headline(programme, month, user=office)
    assert h["projects"] == h["measured"] + h["paused"]
    query = {"programme": programme.code, "month": f"{month:%Y-%m}"}

    # the figures API: the registry itself, over JSON
    api = json.loads(client.get("/api/figures", query).content)
    by_key = {f["key"]: f["value"] for f in api["figures"]}
    for key, value in h.items():
        assert by_key[key] == (str(value) if isinstance(value, Decimal) else value), key

    # the command dashboard
    page = dashboard_figures(client.get("/dashboards/", query).content.decode())
    assert page["projects"] == str(h["projects"])
    assert page["started"] == str(h["started"])
    assert page["ytd"] == yi(h["ytd_completed"])
    assert page["rate"].rstrip("%") == str(h["completion_rate"])
    assert page["problems-open"] == str(h["problems_open"])
    assert page["problems-overdue"] == str(h["problems_overdue"])
    assert page["report-rate"].rstrip("%") == str(h["report_rate"])
    if h["paused"]:
        assert f"不含暂停项目{h['paused']}个" in page["paused"]

    # the big screen
    screen = json.loads(client.get("/dashboards/screen/data.json", query).content)
    figures = screen["figures"]
    assert figures["projects"] == h["projects"]
    assert (figures["started"], figures["new_projects"]) == (h["started"], h["new_projects"])
    assert figures["ytd"] == yi(h["ytd_completed"]) and figures["target"] == yi(h["annual_target"])
    assert figures["rate"] == str(h["completion_rate"])
    assert (figures["problems_open"], figures["problems_overdue"]) == (
        h["problems_open"],
        h["problems_overdue"],
    )
    lights = {label: count for label, count, _hex in screen["lights"]}
    assert list(lights.values()) == [
        h["lights_green"],
        h["lights_yellow"],
        h["lights_red"],
        h["lights_grey"],
    ]

    # the month summary's total row
    total = month_summary(programme, month, user=office).total
    assert (total.projects, total.annual_target, total.ytd_completed) == (
        h["measured"],
        h["annual_target"],
        h["ytd_completed"],
    )

    # the measures and lights API
    measures = json.loads(client.get("/api/measures", query).content)["programme_total"]
    assert measures["projects"] == h["measured"]
    assert Decimal(measures["annual_target"]) == h["annual_target"]
    assert Decimal(measures["ytd_completed"]) == h["ytd_completed"]
    assert measures["completion_rate"] == str(h["completion_rate"])
    assert measures["reports"] == {
        "on_time": h["reports_on_time"],
        "late": h["reports_late"],
        "missing": h["reports_missing"],
        "pending": h["reports_pending"],
    }
    counts = json.loads(client.get("/api/lights", query).content)["counts"]
    assert counts == {c: h[f"lights_{c}"] for c in ("green", "yellow", "red", "grey")}


def total_of(html: str, key: str) -> str:
    match = re.search(rf'data-total="{key}">([^<]*)<', html)
    return match.group(1).strip() if match else ""


def test_the_ledger_list_states_its_totals_as_the_registry_does(place):
    """项目数 is the registry's 项目总数 (paused included, said so); the annual plan
    leaves the paused projects out, as the dashboard does (159.70 vs 154.00 before)."""
    programme, office, client, month = place
    h = headline(programme, month, user=office)
    html = client.get("/ledger/", {"programme": programme.code}).content.decode()
    assert total_of(html, "count") == str(h["projects"])
    assert total_of(html, "annual") == yi(h["annual_target"])
    if h["paused"]:
        assert total_of(html, "paused") == f"含暂停项目{h['paused']}个"
        assert total_of(html, "annual-paused") == f"不含{month:%Y-%m}暂停项目{h['paused']}个"


def test_the_map_and_the_screen_count_districts_as_the_measures_do(place):
    """Each district's count on the battle map (and the big screen, same payload) is the
    measures' district rollup; the paused projects left out are counted beside it."""
    programme, office, client, month = place
    query = {"programme": programme.code}
    data = json.loads(client.get("/dashboards/map/data.json", query).content)
    assert data["pm"] == f"{month:%Y-%m}"
    measures = project_measures(programme, month)
    expected = {r.label: r.projects for r in rollup(measures, "district") if r.key is not None}
    assert {name: v[0] for name, v in data["d"].items() if v[0]} == {
        name: n for name, n in expected.items() if n
    }
    paused = [m for m in measures.values() if m.paused]
    assert sum(v[3] for v in data["d"].values()) == sum(len(m.districts) for m in paused)

    screen = json.loads(client.get("/dashboards/screen/data.json", query).content)["figures"]
    h = headline(programme, month, user=office)
    assert screen["paused"] == h["paused"]
    assert screen["problems_as_of"] == f"{as_of_day(month):%Y-%m-%d}"
