"""开工累计 by its one definition (reporting.since_start) for the data already stored.

Until now a report's since-start figure summed only the reports stored in keyworks, and
accepting a report did not move the ledger. For every project with reports:

- the ledger's 累计完成投资 is taken as the figure to date with its accepted reports in
  (what the ledger's pages have shown), so the part before the reports is what remains;
  where the ledger holds less than its accepted reports alone, that part is zero and the
  ledger is raised to the reports (the same rule as `since_start.settle`);
- every submitted, reviewed or accepted report gets 开工累计 = that part + the accepted
  reports of earlier months + its own month.

Each project changed gets one change record (by the system), sealed into the log's chain,
with the ledger's figures and the reports' figures before and after.
"""

from decimal import Decimal

from django.db import migrations

ZERO = Decimal("0")
COUNTED = ("submitted", "reviewed", "accepted")
REASON = (
    "开工累计按新口径：首份月报前累计完成投资 = 台账累计完成投资 − 已采纳月报（不少于零，"
    "台账少于已采纳月报时补足）；各月报开工累计 = 该数 + 此前已采纳月报 + 本月"
    " / Since-start figures by the one definition"
)


def money(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def settle_stored(apps, schema_editor):
    from keyworks.audit.chain import seal

    Project = apps.get_model("ledger", "Project")
    MonthlyReport = apps.get_model("reporting", "MonthlyReport")
    ChangeRecord = apps.get_model("audit", "ChangeRecord")
    counted = {}
    rows = (
        MonthlyReport.objects.filter(status__in=COUNTED)
        .order_by("project_id", "month")
        .only("pk", "project_id", "month", "status", "completed_this_month", "since_start_total")
    )
    for report in rows.iterator(chunk_size=2000):
        counted.setdefault(report.project_id, []).append(report)
    records, reports, projects = [], [], []
    for project in Project.objects.filter(pk__in=list(counted)).iterator(chunk_size=2000):
        mine = counted[project.pk]
        carried = sum(
            (r.completed_this_month for r in mine if r.status == "accepted"), ZERO
        )
        completed, opening_was = project.completed_investment, project.completed_before_reports
        before = max(completed - carried, ZERO)
        after_completed = before + carried
        old_figures, new_figures, earlier = {}, {}, ZERO
        for report in mine:
            figure = before + earlier + report.completed_this_month
            if report.status == "accepted":
                earlier += report.completed_this_month
            if report.since_start_total != figure:
                key = f"{report.month:%Y-%m}"
                old_figures[key] = (
                    None if report.since_start_total is None else money(report.since_start_total)
                )
                new_figures[key] = money(figure)
                report.since_start_total = figure
                reports.append(report)
        ledger_changed = before != opening_was or after_completed != completed
        if not ledger_changed and not new_figures:
            continue
        if ledger_changed:
            project.completed_before_reports = before
            project.completed_investment = after_completed
            project.version += 1
            projects.append(project)
        records.append(
            ChangeRecord(
                actor=None,
                actor_name="系统 / system",
                action="since_start",
                object_type="ledger.project",
                object_id=str(project.pk),
                object_label=project.name[:200],
                project_id=project.pk,
                programme_id=project.programme_id,
                before={
                    "completed_investment": money(completed),
                    "completed_before_reports": money(opening_was),
                    "since_start_total": old_figures,
                },
                after={
                    "completed_investment": money(after_completed),
                    "completed_before_reports": money(before),
                    "since_start_total": new_figures,
                },
                reason=REASON[:500],
            )
        )
    Project.objects.bulk_update(
        projects, ["completed_before_reports", "completed_investment", "version"], batch_size=500
    )
    MonthlyReport.objects.bulk_update(reports, ["since_start_total"], batch_size=500)
    created = ChangeRecord.objects.bulk_create(records, batch_size=500)
    seal(ChangeRecord, [record.pk for record in created])


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_sealed_logs"),
        ("ledger", "0005_project_completed_before_reports"),
        ("reporting", "0003_stored_figures"),
    ]

    operations = [
        migrations.RunPython(settle_stored, migrations.RunPython.noop),
    ]
