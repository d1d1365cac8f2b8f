"""Two programmes on one instance: nothing a person of programme B does reaches programme A.

Programme A is the demo programme, with every kind of object. Programme B is a district's
own programme with one person in every role; its department coordinator works for a unit
that A uses too, and its district coordinator for a district where A has projects.

Every page and form shown to A's people (one of each shape of address), and every API
operation filled with A's ids, is tried as each person of B. A page answers 403 or 404, or
shows B's own data with nothing of A's; a form or API write answers 4xx and writes nothing
to A (no change record of A, no change to A's accounts and roles)."""

import io
import re
from collections import deque
from decimal import Decimal
from html.parser import HTMLParser

import docx
import openpyxl
import pytest

from keyworks.api.api import api as ninja_api
from keyworks.audit.models import ChangeRecord
from keyworks.coordination.models import Problem
from keyworks.demo.loader import load_demo
from keyworks.factors.models import FactorItem
from keyworks.fieldwork.models import ProgressUpdate, Visit
from keyworks.ledger.models import Category, Programme, Project, TaskForce
from keyworks.meetings.models import AgendaItem, Decision, Meeting
from keyworks.orgs.models import Region, Role, RoleAssignment, Unit, User
from keyworks.people.services import create_token
from keyworks.reporting.models import MonthlyReport
from keyworks.targets.models import AnnualTarget
from keyworks.tasks.models import Task

from ..demo.test_links import shape

A_ROLES = ["office", "leader", "inspector", "tf01", "d410802", "dept-fgw"]
B_ROLES = ["office", "leader", "inspector", "taskforce", "district", "department"]
SKIP = ("/logout", "/i18n/", "/static/", "/admin/", "/api/", "/accounts/")
HREF = re.compile(r'href="(/[^"#]*)"')
REFUSED = {403, 404}


class Forms(HTMLParser):
    """The POST forms of a page: (action, {field: value}) with each field's shown value."""

    def __init__(self, page_url):
        super().__init__()
        self.page_url = page_url
        self.forms: list[tuple[str, dict]] = []
        self._current = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            action = a.get("action") or a.get("hx-post") or self.page_url
            self._current = (action.replace("&amp;", "&"), {})
            self.forms.append(self._current)
        if self._current is None:
            return
        fields = self._current[1]
        if tag == "option" and self._select and a.get("value"):
            if "selected" in a or self._select not in fields:
                fields[self._select] = a["value"]
        if not a.get("name"):
            return
        if tag == "input" and a.get("type") not in {"file", "submit", "button"}:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                return
            fields.setdefault(a["name"], a.get("value") or "测试")
        elif tag == "textarea":
            fields.setdefault(a["name"], "测试")
        elif tag == "select":
            self._select = a["name"]

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        if tag == "select":
            self._select = None


def crawl_a(client, pages: dict, forms: dict, limit=250) -> None:
    """Every shape of page reachable from the home page, and every shape of POST form."""
    seen, queue = set(), deque(["/"])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if shape(url) in seen or url.startswith(SKIP):
            continue
        seen.add(shape(url))
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response.headers["Location"])
            continue
        if response.status_code != 200 or "text/html" not in response.headers["Content-Type"]:
            pages.setdefault(shape(url), url)
            continue
        pages.setdefault(shape(url), url)
        html = response.content.decode()
        queue.extend(h.replace("&amp;", "&") for h in HREF.findall(html))
        parser = Forms(url)
        parser.feed(html)
        for action, fields in parser.forms:
            if action.startswith("/") and not action.startswith(SKIP):
                forms.setdefault(shape(action), (action, fields))


def build_programme_b() -> dict[str, User]:
    """A district's own programme with one person in every role."""
    a = Programme.objects.get(code="jz2025")
    district = Region.objects.get(code="410802")  # 解放区: A has projects there too
    b = Programme.objects.create(
        code="jfq2025", name="解放区2025年重点项目", year=2025, region=district
    )
    category = Category.objects.create(programme=b, code="industry", name="工业项目", sort=1)
    project = Project.objects.create(
        programme=b,
        category=category,
        seq=1,
        name="乙计划自有项目",
        total_investment=Decimal("1000.00"),
        annual_investment=Decimal("500.00"),
        task_force=TaskForce.objects.create(name="乙计划专班"),
    )
    project.districts.set([district])
    shared_unit = (
        Unit.objects.filter(roleassignment__programme=a, roleassignment__role=Role.DEPARTMENT)
        .distinct()
        .first()
    )
    scopes = {
        "office": {"role": Role.OFFICE},
        "leader": {"role": Role.LEADER},
        "inspector": {"role": Role.INSPECTOR},
        "taskforce": {"role": Role.TASKFORCE, "task_force": project.task_force},
        "district": {"role": Role.DISTRICT, "region": district},
        "department": {"role": Role.DEPARTMENT, "unit": shared_unit},
    }
    people = {}
    for key, scope in scopes.items():
        user = User.objects.create_user(
            f"b-{key}", password="b-password-123", full_name=f"乙{key}", home_programme=b
        )
        user.unit = shared_unit  # B's people work for a unit A uses as well
        user.save(update_fields=["unit"])
        RoleAssignment.objects.create(user=user, programme=b, **scope)
        people[key] = user
    return people


def a_markers() -> list[str]:
    """Text that appears only in programme A: its project names. Units (departments,
    enterprises) are the instance's shared register, like regions, so a project named
    like its owner company is no marker."""
    units = list(Unit.objects.values_list("name", flat=True))
    names = Project.objects.filter(programme__code="jz2025").values_list("name", flat=True)
    return [n for n in names if not any(n in u for u in units)]


def a_state() -> tuple:
    """What a write into A would change: A's change records, A's accounts and their roles."""
    a = Programme.objects.get(code="jz2025")
    a_users = User.objects.filter(home_programme=a)
    return (
        ChangeRecord.objects.filter(programme_id=a.pk).count(),
        ChangeRecord.objects.filter(
            object_type="orgs.user",
            object_id__in=[str(pk) for pk in a_users.values_list("pk", flat=True)],
        ).count(),
        sorted(a_users.values_list("pk", "password", "is_active", "full_name", "email")),
        sorted(
            RoleAssignment.objects.filter(user__in=a_users).values_list(
                "user_id", "programme_id", "role"
            )
        ),
    )


def body_text(response) -> str:
    """The text a person would read in a response: a page, JSON, or an Excel/Word file."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.headers.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True)
        return " ".join(
            str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v
        )
    if "wordprocessingml" in kind:
        document = docx.Document(io.BytesIO(raw))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        return " ".join([p.text for p in document.paragraphs] + cells)
    return raw.decode(errors="replace")


def leaks(body: str, markers: list[str]) -> list[str]:
    return [m for m in markers if m in body]


@pytest.fixture
def two_programmes(db, client):
    load_demo()
    pages, forms = {}, {}
    for username in A_ROLES:
        client.force_login(User.objects.get(username=username))
        crawl_a(client, pages, forms)
    client.logout()
    return pages, forms, build_programme_b()


def test_no_page_or_form_of_programme_a_reaches_programme_b(two_programmes, client):
    pages, forms, people = two_programmes
    assert len(pages) > 60 and len(forms) > 15  # the crawl reached A's pages and forms
    markers = a_markers()
    before = a_state()
    failures = []
    for role in B_ROLES:
        client.force_login(people[role])
        for url in pages.values():
            response = client.get(url, follow=True)
            status = response.status_code
            if status in REFUSED:
                continue
            body = body_text(response)
            if status != 200 or leaks(body, markers):
                failures.append((role, "GET", url, status, leaks(body, markers)[:3]))
        for action, fields in forms.values():
            # As shown, and without the choices of A's lists (which B's forms would
            # refuse before any permission is asked).
            bare = {k: v for k, v in fields.items() if not str(v).isdigit()}
            for data in (fields, bare):
                response = client.post(action, data)
                if response.status_code >= 500:
                    failures.append((role, "POST", action, response.status_code, []))
                if a_state() != before:
                    failures.append((role, "POST", action, response.status_code, ["wrote to A"]))
                    before = a_state()
    assert failures == [], "\n".join(map(str, failures))


# --- the API ----------------------------------------------------------------------------

PATH_OBJECTS = {
    "project_id": Project,
    "report_id": MonthlyReport,
    "problem_id": Problem,
    "target_id": AnnualTarget,
    "update_id": ProgressUpdate,
    "visit_id": Visit,
    "task_id": Task,
    "decision_id": Decision,
    "meeting_id": Meeting,
}
A_FILTER = {
    Project: "programme__code",
    MonthlyReport: "project__programme__code",
    Problem: "project__programme__code",
    AnnualTarget: "project__programme__code",
    ProgressUpdate: "project__programme__code",
    Visit: "project__programme__code",
    Task: "programme__code",
    Decision: "meeting__programme__code",
    Meeting: "programme__code",
    AgendaItem: "meeting__programme__code",
    FactorItem: "project__programme__code",
}


def a_object(model):
    obj = model.objects.filter(**{A_FILTER[model]: "jz2025"}).order_by("pk").first()
    assert obj is not None, model
    return obj


def sample(name: str, prop: dict, components: dict, objects: dict):
    """A plausible value for body field `name`, naming A's objects wherever it can."""
    if "$ref" in prop:
        prop = components[prop["$ref"].split("/")[-1]]
    if "anyOf" in prop:
        prop = next((p for p in prop["anyOf"] if p.get("type") != "null"), prop["anyOf"][0])
        return sample(name, prop, components, objects)
    if "enum" in prop:
        return prop["enum"][0]
    refs = {
        "project": objects["project_id"].pk,
        "problem": objects["problem_id"].pk,
        "report": objects["report_id"].pk,
        "meeting": objects["meeting_id"].pk,
        "programme": "jz2025",
        "version": getattr(objects.get("_path"), "version", 1),
        "month": "2025-11",
        "items": [objects["item_id"].pk],
    }
    if name in refs:
        return refs[name]
    kind = prop.get("type")
    if name.endswith("unit") or name == "unit":
        return objects["unit"].pk
    if prop.get("format") == "date" or name in {"deadline", "visit_date", "issued_on", "date"}:
        return "2025-12-31"
    if kind == "integer":
        return 1
    if kind == "number" or prop.get("format") == "decimal":
        return "10"
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object":
        return {}
    return "测试"


def test_no_api_operation_with_programme_a_ids_reaches_programme_b(two_programmes, client):
    _pages, _forms, people = two_programmes
    schema = ninja_api.get_openapi_schema()
    components = schema["components"]["schemas"]
    objects = {name: a_object(model) for name, model in PATH_OBJECTS.items()}
    objects["unit"] = Unit.objects.filter(roleassignment__programme__code="jz2025").first()
    markers = a_markers()
    before = a_state()
    failures = []
    for role in B_ROLES:
        token = create_token(people[role], "b", by=people[role])[1]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                objects["item_id"] = (
                    a_object(FactorItem)
                    if path.startswith("/api/factors")
                    else AgendaItem.objects.filter(meeting=objects["meeting_id"]).first()
                    or a_object(AgendaItem)
                )
                url = path.replace("{code}", "jz2025")
                path_obj = None
                for name, value in objects.items():
                    if "{" + name + "}" in url:
                        url = url.replace("{" + name + "}", str(value.pk))
                        path_obj = value
                objects["_path"] = path_obj
                query = {
                    p["name"]: sample(p["name"], p.get("schema", {}), components, objects)
                    for p in operation.get("parameters", [])
                    if p["in"] == "query" and p["name"] in {"programme", "project", "meeting"}
                }
                body = None
                content = operation.get("requestBody", {}).get("content", {})
                if "multipart/form-data" in content:  # photo uploads: no file at all
                    response = client.post(url, {}, **headers)
                    if not 400 <= response.status_code < 500 or a_state() != before:
                        failures.append((role, method, url, response.status_code, []))
                    continue
                if "application/json" in content:
                    ref = content["application/json"]["schema"]
                    spec = components[ref["$ref"].split("/")[-1]] if "$ref" in ref else ref
                    body = {
                        n: sample(n, p, components, objects)
                        for n, p in spec.get("properties", {}).items()
                        if n in spec.get("required", []) or n in {"version", "project", "programme"}
                    }
                if method == "get":
                    response = client.get(url, query, **headers)
                else:
                    if query:
                        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
                    response = getattr(client, method)(
                        url, data=body or {}, content_type="application/json", **headers
                    )
                status = response.status_code
                text = body_text(response)
                if method == "get":
                    bad = status not in REFUSED and (status != 200 or leaks(text, markers))
                else:
                    bad = not 400 <= status < 500
                if bad:
                    failures.append((role, method, url, status, leaks(text, markers)[:3]))
                if a_state() != before:
                    failures.append((role, method, url, status, ["wrote to A"]))
                    before = a_state()
    assert failures == [], "\n".join(map(str, failures))
