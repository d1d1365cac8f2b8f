"""The change log page shows every kind of record the services write."""

from django.urls import reverse

from keyworks.audit.display import field_label
from keyworks.audit.services import record_change
from keyworks.ledger.models import Project
from keyworks.meetings.models import AgendaItem


def test_labels_for_fields_reverse_relations_and_unknown_keys():
    name = Project._meta.get_field("name").verbose_name
    assert field_label("ledger.project", "name") == str(name)
    # An import's summary on the programme counts its `projects` (a reverse relation).
    assert field_label("ledger.programme", "projects") == str(Project._meta.verbose_name_plural)
    assert field_label("ledger.programme", "no_such_key") == "no_such_key"
    # Other count keys named after a model: the demo loader's `agenda_items`.
    assert field_label("ledger.programme", "agenda_items") == str(
        AgendaItem._meta.verbose_name_plural
    )
    assert field_label("no.such_model", "name") == "name"


def test_change_log_shows_an_import_summary_record(world):
    record_change(
        by=world.office,
        action="import",
        obj=world.programme,
        after={"projects": {"created": 2, "updated": 1}, "categories": 0},
        reason="",
        programme_id=world.programme.pk,
    )
    response = world.client(world.office).get(reverse("change_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert str(Project._meta.verbose_name_plural) in text
    # Structures read as JSON, not as Python's repr; no request id reads as a dash.
    assert "{&quot;created&quot;:2,&quot;updated&quot;:1}" in text
    assert "{'created'" not in text
    assert "请求编号" in text and "Request ID" not in text
    english = world.client(world.office).get(
        reverse("change_list"), headers={"accept-language": "en"}
    )
    assert "Request ID" in english.content.decode() and "请求编号" not in english.content.decode()
