from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from keyworks.audit.models import ChangeRecord
from keyworks.ledger import services
from keyworks.ledger.models import Project, TaskForce


@pytest.fixture(autouse=True)
def default_language_afterwards():
    """A request leaves its language active in the thread: back to the default after."""
    yield
    translation.deactivate()


def edit_data(client, project):
    form = client.get(reverse("ledger:project_edit", args=[project.pk])).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is not None:
            data[name] = value
    return data


def test_member_edits_own_project_and_sees_it_in_history(world):
    client = world.client(world.member)
    data = edit_data(client, world.own) | {"completed_investment": "3100.25", "reason": "月报更新"}
    response = client.post(reverse("ledger:project_edit", args=[world.own.pk]), data)
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "3,100.25" in html
    assert "月报更新" in html and "累计完成投资（万元）" in html


def test_second_save_of_the_same_version_is_refused(world):
    first, second = world.client(world.office), world.client(world.member)
    data_first = edit_data(first, world.own) | {"address": "第一人"}
    data_second = edit_data(second, world.own) | {"address": "第二人"}
    assert (
        first.post(reverse("ledger:project_edit", args=[world.own.pk]), data_first).status_code
        == 302
    )
    response = second.post(reverse("ledger:project_edit", args=[world.own.pk]), data_second)
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    world.own.refresh_from_db()
    assert world.own.address == "第一人"


def test_form_errors_name_the_field(world):
    client = world.client(world.office)
    data = edit_data(client, world.own) | {
        "code": "2401-41080-04-01-12345",
        "total_investment": "-5",
        "planned_start": "2025-06-01",
        "planned_finish": "2025-01-01",
    }
    response = client.post(reverse("ledger:project_edit", args=[world.own.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "code" in errors and "total_investment" in errors
    world.own.refresh_from_db()
    assert world.own.total_investment == Decimal("10000.00")


def test_finish_before_start_is_reported_on_the_field(world):
    client = world.client(world.office)
    data = edit_data(client, world.own) | {
        "planned_start": "2025-06-01",
        "planned_finish": "2025-01-01",
    }
    response = client.post(reverse("ledger:project_edit", args=[world.own.pk]), data)
    assert "planned_finish" in response.context["form"].errors


def test_office_creates_a_project_with_a_task_force(world):
    client = world.client(world.office)
    response = client.post(
        reverse("ledger:project_create"),
        {
            "name": "新建测试项目",
            "category": world.industry.pk,
            "grade": "city",
            "stage": "planned",
            "districts": [world.district_a.pk],
            "total_investment": "500",
            "completed_investment": "0",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    project = Project.objects.get(name="新建测试项目")
    assert project.seq == 3 and project.task_force.name == "新建测试项目专班"
    assert ChangeRecord.objects.filter(action="create", project_id=project.pk).exists()


def test_html_in_names_is_escaped(world):
    world.own.name = "<script>alert(1)</script>"
    world.own.save()
    for url in [
        reverse("ledger:project_list"),
        reverse("ledger:project_detail", args=[world.own.pk]),
    ]:
        html = world.client(world.office).get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_list_filters_and_totals(world):
    client = world.client(world.leader)
    response = client.get(reverse("ledger:project_list"), {"category": world.infra.pk})
    page = list(response.context["page"].object_list)
    assert page == [world.other]
    assert response.context["totals"]["total"] == Decimal("10000.00")
    response = client.get(
        reverse("ledger:project_list"), {"q": "牧野", "district": world.district_a.pk}
    )
    assert list(response.context["page"].object_list) == [world.own]


def test_htmx_filter_returns_only_the_table(world):
    response = world.client(world.leader).get(
        reverse("ledger:project_list"),
        {"stage": "preparation"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="ledger-table",
    )
    html = response.content.decode()
    assert 'id="ledger-table"' in html and "<html" not in html


def test_list_query_count_does_not_grow(world):
    client = world.client(world.leader)
    client.get(reverse("ledger:project_list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("ledger:project_list"))
    for i in range(20):
        project = Project.objects.create(
            programme=world.programme,
            category=world.industry,
            seq=10 + i,
            name=f"项目{i}",
            total_investment=Decimal(1),
            task_force=TaskForce.objects.create(name=f"专班{i}"),
            responsible_unit=world.department,
        )
        project.districts.set([world.district_a, world.district_b])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("ledger:project_list"))
    assert len(many) == len(few)


def test_list_counts_once_and_leaves_the_session_alone(world):
    """The paginator reuses the totals' count, and a repeat visit writes no session row."""
    client = world.client(world.leader)
    client.get(reverse("ledger:project_list"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("ledger:project_list"))
    sql = [q["sql"].upper() for q in ctx.captured_queries]
    assert sum('COUNT("LEDGER_PROJECT"' in q for q in sql) == 1
    assert not [q for q in sql if "DJANGO_SESSION" in q and q.startswith(("UPDATE", "INSERT"))]
    assert response.context["page"].paginator.count == 2


def test_archived_projects_leave_the_default_list(world):
    services.archive_project(world.own, by=world.office, reason="合并")
    client = world.client(world.office)
    assert world.own not in client.get(reverse("ledger:project_list")).context["page"].object_list
    only = (
        client.get(reverse("ledger:project_list"), {"archived": "only"}).context["page"].object_list
    )
    assert list(only) == [world.own]


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_every_response_carries_a_request_id_used_by_the_audit(world):
    client = world.client(world.member)
    data = edit_data(client, world.own) | {"address": "某地"}
    response = client.post(
        reverse("ledger:project_edit", args=[world.own.pk]), data, HTTP_X_REQUEST_ID="req-123"
    )
    assert response["X-Request-ID"] == "req-123"
    assert ChangeRecord.objects.get(action="update").request_id == "req-123"


@pytest.mark.parametrize(
    ("who", "shown", "hidden"),
    [
        ("member", {"project-updates", "project-targets", "raise-problem"},
         {"issue-task", "record-visit"}),
        ("inspector", {"record-visit", "issue-task", "project-targets"}, set()),
        ("office", {"record-visit", "issue-task", "project-targets", "raise-problem"}, set()),
    ],
)  # fmt: skip
def test_project_page_links_to_the_work_on_it_by_role(world, who, shown, hidden):
    html = world.client(getattr(world, who)).get(f"/ledger/{world.own.pk}/").content.decode()
    for element in shown:
        assert f'id="{element}"' in html, element
    for element in hidden:
        assert f'id="{element}"' not in html, element


def test_the_ledger_speaks_chinese_by_default_and_english_when_asked(world):
    client = world.client(world.office)
    chinese = client.get(reverse("ledger:project_list")).content.decode()
    assert "项目台账" in chinese and "没有符合条件的项目" not in chinese
    assert "Project ledger" not in chinese
    english = client.get(reverse("ledger:project_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Project ledger" in english and "Total investment (10,000 yuan)" in english
    assert "项目台账" not in english.replace(world.programme.name, "")


def test_a_refused_edit_is_explained_in_the_language_asked_for(world):
    client = world.client(world.member)
    data = edit_data(client, world.own) | {"address": "新地址"}
    data["version"] = int(data["version"]) - 1 if int(data["version"]) > 1 else 0
    url = reverse("ledger:project_edit", args=[world.own.pk])
    assert "该项目已被他人修改" in client.post(url, data).content.decode()
    english = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This project was changed by someone else" in english
