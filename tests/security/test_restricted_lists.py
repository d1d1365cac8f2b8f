"""Every list, export and API list of reports, targets, progress updates, visits and factor
items starts from `Model.objects.restrict(user)`: a person sees the rows of the projects
their role reaches, never another task force's where the rule is per task force, and
never another programme's.

Three projects carry one row of each kind: `own` (the member's task force, district A),
`other` (another task force, district B) and `far` (another programme). Each surface is
read by each person of the world, and the markers of the rows found are compared with
the rule."""

import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from keyworks.factors.models import FactorItem
from keyworks.fieldwork.models import ProgressUpdate, Visit, VisitStatus
from keyworks.ledger.models import Category, Programme
from keyworks.reporting.models import MonthlyReport
from keyworks.targets.models import AnnualTarget

from ..api.conftest import Api
from ..conftest import make_project

MAY = datetime.date(2025, 5, 1)
PEOPLE = ["office", "leader", "inspector", "member", "other_member", "district",
          "department_user", "outsider"]  # fmt: skip
WIDE = {"office", "leader", "inspector"}

# kind: who sees the `own` row, who sees the `other` row (nobody ever sees `far`)
RULES = {
    # reports: programme-wide readers, the task force, the district coordinator
    "report": (WIDE | {"member", "district"}, WIDE | {"other_member"}),
    # targets: as reports, and departments read them all
    "target": (
        WIDE | {"member", "district", "department_user"},
        WIDE | {"other_member", "department_user"},
    ),  # fmt: skip
    # progress updates: everyone in the programme
    "update": (set(PEOPLE) - {"outsider"}, set(PEOPLE) - {"outsider"}),
    # visits: programme-wide readers and the project's own task force
    "visit": (WIDE | {"member"}, WIDE | {"other_member"}),
    # factor items: everyone in the programme (as the ledger)
    "factor": (set(PEOPLE) - {"outsider"}, set(PEOPLE) - {"outsider"}),
}


@pytest.fixture
def rows(world):
    far_programme = Programme.objects.create(
        code="far2025", name="另一个项目计划", year=2025, region=world.city
    )
    category = Category.objects.create(programme=far_programme, code="x", name="其他", sort=1)
    far = make_project(far_programme, category, 1, "远方项目", world.district_a, "远方专班")
    made = {}
    for tag, project in (("own", world.own), ("other", world.other), ("far", far)):
        mark = f"MK{tag}"
        made[tag] = {
            "report": MonthlyReport.objects.create(
                project=project, month=MAY, progress_text=f"{mark}report"
            ),
            "target": AnnualTarget.objects.create(
                project=project, year=2025, investment=Decimal("100"), reason=f"{mark}target"
            ),
            "update": ProgressUpdate.objects.create(
                project=project,
                text=f"{mark}update",
                percent_complete=10,
                posted_by=world.member,
                posted_at=timezone.now(),
            ),  # fmt: skip
            "visit": Visit.objects.create(
                project=project,
                month=MAY,
                visit_date=MAY,
                people=f"{mark}visit",
                verified_investment=Decimal("10"),
                verified_percent=10,
                threshold_percent=Decimal("10"),
                status=VisitStatus.CONSISTENT,
                recorded_by=world.office,
            ),  # fmt: skip
            "factor": FactorItem.objects.create(
                project=project,
                kind="land",
                demand=Decimal("10"),
                unit=f"{mark}fac",
                note=f"{mark}factor",
            ),  # fmt: skip
        }
    return made


def xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(
        str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
    )


def api_ids(response) -> set[int]:
    return {item["id"] for item in json.loads(response.content)["items"]}


# surface: (kind, read(world, user) -> what the user got, marker(row) -> found in it)
def page(url):
    return lambda world, user: world.client(user).get(url).content.decode()


def export(url):
    def read(world, user):
        response = world.client(user).get(url)
        if response.status_code != 200:
            return ""
        return xlsx_text(
            b"".join(response.streaming_content) if response.streaming else response.content
        )

    return read


def api(url):
    def read(world, user):
        response = Api(user).get(url)
        return api_ids(response) if response.status_code == 200 else set()

    return read


def text_mark(kind):
    return lambda tag, row: f"MK{tag}{kind}"


def pk(tag, row):
    return row.pk


SUMMARY = "/reporting/summary/?month=2025-05"
SUMMARY_XLSX = "/reporting/summary.xlsx?month=2025-05"


def visit_row(tag, row):
    return f'data-visit="{row.pk}"'


def factor_unit(tag, row):
    return f"MK{tag}fac"


SURFACES = {
    "reports: summary page": ("report", page(SUMMARY), text_mark("report")),
    "reports: summary export": ("report", export(SUMMARY_XLSX), text_mark("report")),
    "reports: API list": ("report", api("/api/reports?month=2025-05"), pk),
    "targets: API list": ("target", api("/api/targets?year=2025"), pk),
    "updates: API list": ("update", api("/api/updates"), pk),
    "visits: list page": ("visit", page("/fieldwork/visits/"), visit_row),
    "visits: API list": ("visit", api("/api/visits"), pk),
    "factors: list page": ("factor", page("/factors/"), text_mark("factor")),
    "factors: export": ("factor", export("/factors/export.xlsx"), factor_unit),
    "factors: API list": ("factor", api("/api/factors"), pk),
}


@pytest.mark.parametrize("surface", list(SURFACES))
def test_each_list_shows_only_the_rows_the_rule_allows(world, rows, surface):
    kind, read, marker = SURFACES[surface]
    own_readers, other_readers = RULES[kind]
    for person in PEOPLE:
        got = read(world, getattr(world, person))
        seen = {tag for tag in ("own", "other", "far") if marker(tag, rows[tag][kind]) in got}
        expected = {tag for tag, readers in (("own", own_readers), ("other", other_readers))
                    if person in readers}  # fmt: skip
        assert seen == expected, person


@pytest.mark.parametrize(
    ("kind", "detail"),
    [("report", "/api/reports/{}"), ("target", "/api/targets/{}"),
     ("update", "/api/updates/{}"), ("visit", "/api/visits/{}"),
     ("factor", "/api/factors/{}")],
)  # fmt: skip
def test_another_programmes_row_is_not_found_through_the_api(world, rows, kind, detail):
    for person in WIDE:
        response = Api(getattr(world, person)).get(detail.format(rows["far"][kind].pk))
        assert response.status_code == 404, (person, response.content)


@pytest.mark.parametrize("model", [MonthlyReport, AnnualTarget, ProgressUpdate, Visit, FactorItem])
def test_an_unknown_list_action_is_an_error_not_an_empty_list(world, model):
    with pytest.raises(ValueError):
        model.objects.restrict(world.office, "delete")
