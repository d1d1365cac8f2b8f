"""Writes to the ledger. Each function checks the permission, validates, writes and
records the change in one transaction; views, the API, the importer and commands all
call these."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keyworks.audit.services import build_change, diff, record_change, record_changes, snapshot
from keyworks.core.bulk import bulk_set
from keyworks.core.calendar import SHANGHAI, actual_error, planned_error
from keyworks.core.errors import ConcurrentEditError as BaseConcurrentEditError
from keyworks.core.errors import check_version
from keyworks.core.money import format_wan
from keyworks.orgs.models import Unit

from .models import Milestone, Photo, Programme, Project, TaskForce, TaskForceMember
from .permissions import LEDGER_FIELDS, can, editable_fields, require

DATE_FIELDS = ("planned_start", "planned_finish", "actual_start", "actual_finish")
# What a project's change record shows: the fields people edit, and the part of 累计完成投资
# before the monthly reports, which moves with a change of 累计完成投资 by hand.
SNAPSHOT_FIELDS = sorted((LEDGER_FIELDS - {"districts"}) | {"completed_before_reports"})


class ConcurrentEditError(BaseConcurrentEditError):
    """Somebody saved the object after this user opened it."""

    @property
    def message(self) -> str:
        return _("该项目已被他人修改，您的修改未保存。请刷新页面查看最新内容后重新修改。")


def ledger_warnings(project: Project) -> list[str]:
    """Things worth a second look that are not errors."""
    warnings = []
    if (
        project.total_investment is not None
        and project.completed_investment is not None
        and project.completed_investment > project.total_investment
    ):
        warnings.append(_("累计完成投资超过总投资，请核实。"))
    return warnings


# A project's site lies in China: a point outside this box (longitude 73—136° E, latitude
# 3—54° N) is a typo, swapped or missing digits, never a site of the programme.
CHINA = {"longitude": (Decimal(73), Decimal(136)), "latitude": (Decimal(3), Decimal(54))}
PLACE = {"longitude": gettext_lazy("经度"), "latitude": gettext_lazy("纬度")}


def location_errors(values: dict) -> dict[str, str]:
    """Why `longitude` / `latitude` in `values` (missing ones None) are not a place in
    China: not a finite number, or outside its box."""
    errors = {}
    for field, (low, high) in CHINA.items():
        value = values.get(field)
        if value is None:
            continue
        if not Decimal(value).is_finite():
            errors[field] = _("%(what)s不是有效的数字") % {"what": PLACE[field]}
        elif not low <= value <= high:
            errors[field] = _("%(what)s应在 %(low)s—%(high)s 之间（中国境内）") % {
                "what": PLACE[field],
                "low": low,
                "high": high,
            }
    return errors


PLANNED_ORDER = gettext_lazy("计划竣工日期早于计划开工日期")
ACTUAL_ORDER = gettext_lazy("实际竣工日期早于实际开工日期")


def date_errors(values: dict, year: int, today=None) -> dict[str, str]:
    """Why the planned and actual dates in `values` (missing ones None) of a project in a
    programme of `year` are not credible: planned dates within PLAN_YEARS of the year,
    actual dates not in the future, a finish not before its start and not without one."""
    errors = {}
    for field in ("planned_start", "planned_finish"):
        if problem := planned_error(values.get(field), year):
            errors[field] = problem
    for field in ("actual_start", "actual_finish"):
        if problem := actual_error(values.get(field), today):
            errors[field] = problem
    planned_start, planned_finish = values.get("planned_start"), values.get("planned_finish")
    if planned_start and planned_finish and planned_finish < planned_start:
        errors.setdefault("planned_finish", str(PLANNED_ORDER))
    actual_start, actual_finish = values.get("actual_start"), values.get("actual_finish")
    if actual_finish and not actual_start:
        errors.setdefault("actual_start", _("已填写实际竣工日期，请填写实际开工日期"))
    if actual_start and actual_finish and actual_finish < actual_start:
        errors.setdefault("actual_finish", str(ACTUAL_ORDER))
    return errors


def check_dates(project: Project, year: int | None = None) -> None:
    """The project's dates and location are credible (`date_errors`, `location_errors`);
    `year` is its programme's (bulk writes pass it: no query per project)."""
    values = {field: getattr(project, field) for field in (*DATE_FIELDS, *CHINA)}
    year = year or project.programme.year
    errors = {**date_errors(values, year), **location_errors(values)}
    if errors:
        raise ValidationError(errors)


def _validate(project: Project) -> None:
    project.full_clean(exclude=["task_force"], validate_unique=True, validate_constraints=True)
    check_dates(project)


def carried_by_reports(project: Project) -> Decimal:
    """What accepted monthly reports put into the project's 累计完成投资: the rest of it
    is `completed_before_reports` (reporting.since_start)."""
    return project.completed_investment - project.completed_before_reports


def _move_before_reports(project: Project, completed_before: Decimal) -> None:
    """`project`'s 累计完成投资 is being changed by hand from `completed_before`. The
    reports' own amounts change only through their reports (acceptance, correction), so
    the part before the reports moves with it, by the same amount; refused when that part
    would go below zero, i.e. the figure below what accepted reports alone put in."""
    completed = project.completed_investment
    if completed is None or completed_before is None or completed == completed_before:
        return  # unchanged, or refused by the field's own validation
    opening = project.completed_before_reports + (Decimal(completed) - completed_before)
    if opening < 0:
        carried = completed_before - project.completed_before_reports
        raise ValidationError(
            {
                "completed_investment": _(
                    "累计完成投资不能少于已采纳月报计入的 %(carried)s 万元；"
                    "月报的金额请通过更正申请修改。"
                )
                % {"carried": format_wan(carried)}
            }
        )
    project.completed_before_reports = opening


def project_snapshot(project: Project) -> dict:
    data = snapshot(project, SNAPSHOT_FIELDS)
    data["districts"] = sorted(r.pk for r in project.districts.all()) if project.pk else []
    return data


def next_seq(programme: Programme) -> int:
    return (programme.projects.aggregate(m=Max("seq"))["m"] or 0) + 1


@transaction.atomic
def create_project(programme: Programme, data: dict, *, by, reason: str = "") -> Project:
    require(by, "create_project", programme)
    data = dict(data)
    districts = data.pop("districts", [])
    project = Project(programme=programme, **data)
    project.completed_before_reports = project.completed_investment  # no report yet
    if not project.seq:
        project.seq = next_seq(programme)
    _validate(project)
    project.save()
    project.districts.set(districts)
    if project.task_force_id is None:
        project.task_force = TaskForce.objects.create(name=f"{project.name}专班")
        project.save(update_fields=["task_force"])
    record_change(
        by=by,
        action="create",
        obj=project,
        after=project_snapshot(project),
        reason=reason,
        project_id=project.pk,
        programme_id=programme.pk,
    )
    return project


@transaction.atomic
def update_project(
    project: Project, data: dict, *, by, expected_version: int | None = None, reason: str = ""
) -> Project:
    """Apply `data` (field → value) to `project`. Refuses fields the user may not change
    and saves made by someone else since `expected_version`."""
    allowed = editable_fields(by, project)
    if not can(by, "change", project):
        raise PermissionDenied(_("您没有权限修改该项目"))
    current = Project.objects.select_for_update().get(pk=project.pk)
    check_version(current, expected_version, ConcurrentEditError)
    before = project_snapshot(current)
    changed = {k for k, v in data.items() if before.get(k) != _comparable(k, v)}
    if allowed is not None and changed - allowed:
        names = "、".join(
            f"{Project._meta.get_field(f).verbose_name}（{f}）" for f in sorted(changed - allowed)
        )
        raise PermissionDenied(_("您无权修改：%(fields)s") % {"fields": names})
    districts = data.get("districts")
    if "completed_before_reports" in data:
        raise ValueError("completed_before_reports moves with completed_investment")
    completed_before = current.completed_investment
    for field, value in data.items():
        if field != "districts":
            setattr(current, field, value)
    _move_before_reports(current, completed_before)
    _validate(current)
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    if districts is not None:
        current.districts.set(districts)
    b, a = diff(before, project_snapshot(current))
    if a:
        record_change(
            by=by,
            action="update",
            obj=current,
            before=b,
            after=a,
            reason=reason,
            project_id=current.pk,
            programme_id=current.programme_id,
        )
    return current


def _comparable(field: str, value):
    """A data value in the form `project_snapshot` uses, to tell what really changed."""
    from keyworks.audit.services import to_json

    if field == "districts":
        return sorted(getattr(r, "pk", r) for r in value)
    return to_json(value)


@transaction.atomic
def archive_project(project: Project, *, by, reason: str) -> Project:
    require(by, "archive", project)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写归档原因")})
    if project.is_archived:
        return project
    Project.objects.filter(pk=project.pk).update(
        archived_at=timezone.now(), archive_reason=reason.strip()[:200], version=F("version") + 1
    )
    project.refresh_from_db()
    record_change(
        by=by,
        action="archive",
        obj=project,
        before={"archived_at": None},
        after={"archived_at": project.archived_at.isoformat()},
        reason=reason,
        project_id=project.pk,
        programme_id=project.programme_id,
    )
    return project


@transaction.atomic
def restore_project(project: Project, *, by, reason: str = "") -> Project:
    require(by, "restore", project)
    if not project.is_archived:
        return project
    before = {"archived_at": project.archived_at.isoformat()}
    Project.objects.filter(pk=project.pk).update(
        archived_at=None, archive_reason="", version=F("version") + 1
    )
    project.refresh_from_db()
    record_change(
        by=by,
        action="restore",
        obj=project,
        before=before,
        after={"archived_at": None},
        reason=reason,
        project_id=project.pk,
        programme_id=project.programme_id,
    )
    return project


@transaction.atomic
def update_task_force(project: Project, data: dict, *, by) -> TaskForce:
    require(by, "change_task_force", project)
    task_force = project.task_force
    before = snapshot(task_force)
    for field in ("name", "lead_official", "lead_title"):
        if field in data:
            setattr(task_force, field, data[field])
    task_force.full_clean()
    task_force.save()
    b, a = diff(before, snapshot(task_force))
    if a:
        record_change(
            by=by,
            action="update",
            obj=task_force,
            before=b,
            after=a,
            project_id=project.pk,
            programme_id=project.programme_id,
        )
    return task_force


@transaction.atomic
def add_task_force_member(project: Project, data: dict, *, by) -> TaskForceMember:
    require(by, "change_task_force", project)
    member = TaskForceMember(task_force=project.task_force, **data)
    member.full_clean()
    member.save()
    record_change(
        by=by,
        action="create",
        obj=member,
        after=snapshot(member),
        project_id=project.pk,
        programme_id=project.programme_id,
    )
    return member


@transaction.atomic
def remove_task_force_member(project: Project, member: TaskForceMember, *, by) -> None:
    require(by, "change_task_force", project)
    if member.task_force_id != project.task_force_id:
        raise PermissionDenied(_("该成员不属于本项目专班"))
    record_change(
        by=by,
        action="delete",
        obj=member,
        before=snapshot(member),
        project_id=project.pk,
        programme_id=project.programme_id,
    )
    member.delete()


@transaction.atomic
def save_milestone(
    project: Project, data: dict, *, by, milestone: Milestone | None = None
) -> Milestone:
    require(by, "change_milestones", project)
    before = snapshot(milestone) if milestone else None
    milestone = milestone or Milestone(project=project)
    for field, value in data.items():
        setattr(milestone, field, value)
    milestone.full_clean()
    errors = {
        "planned_date": planned_error(milestone.planned_date, project.programme.year),
        "actual_date": actual_error(milestone.actual_date),
    }
    if any(errors.values()):
        raise ValidationError({field: message for field, message in errors.items() if message})
    milestone.save()
    b, a = diff(before, snapshot(milestone)) if before else (None, snapshot(milestone))
    record_change(
        by=by,
        action="update" if before else "create",
        obj=milestone,
        before=b,
        after=a,
        project_id=project.pk,
        programme_id=project.programme_id,
    )
    return milestone


@transaction.atomic
def add_photo(project: Project, upload, *, caption: str = "", by) -> Photo:
    from keyworks.core.images import inspect_photo

    require(by, "add_photo", project)
    info = inspect_photo(upload)
    taken_at = info.taken_at.replace(tzinfo=SHANGHAI) if info.taken_at else None
    photo = Photo.objects.create(
        project=project,
        image=info.file,
        caption=caption[:200],
        taken_at=taken_at,
        uploaded_by=by,
    )
    record_change(
        by=by,
        action="create",
        obj=photo,
        after=snapshot(photo),
        project_id=project.pk,
        programme_id=project.programme_id,
    )
    return photo


def at_item(exc: Exception, index: int) -> Exception:
    """Mark which item of a bulk write failed, so an importer can name the row."""
    exc.item_index = index
    return exc


# Fields whose values the importer already resolved to rows; re-checking each costs a query.
RESOLVED_FIELDS = ["programme", "category", "owner", "responsible_unit", "task_force"]


@transaction.atomic
def create_projects(
    programme: Programme, items: list[dict], *, by, reason: str = ""
) -> list[Project]:
    """Create many projects at once (imports): the same validation and audit as
    `create_project`, written in bulk. Each item is project data plus optional
    "districts" (regions) and "lead_official" (for the new task force)."""
    require(by, "create_project", programme)
    existing = Project.objects.filter(programme=programme)
    names = set(existing.values_list("name", flat=True))
    codes = set(existing.exclude(code="").values_list("code", flat=True))
    seq = next_seq(programme)
    projects, task_forces, district_lists = [], [], []
    for index, item in enumerate(items):
        data = dict(item)
        districts = data.pop("districts", [])
        lead_official = data.pop("lead_official", "") or ""
        project = Project(programme=programme, **data)
        project.completed_before_reports = project.completed_investment  # no report yet
        if not project.seq:
            project.seq, seq = seq, seq + 1
        errors = {}
        try:
            project.clean_fields(exclude=RESOLVED_FIELDS)
            check_dates(project, programme.year)
        except ValidationError as exc:
            errors = exc.message_dict
        if project.name in names:
            errors.setdefault("name", []).append(_("项目名称重复"))
        if project.code and project.code in codes:
            errors.setdefault("code", []).append(_("项目代码重复"))
        if errors:
            raise at_item(ValidationError(errors), index)
        names.add(project.name)
        if project.code:
            codes.add(project.code)
        projects.append(project)
        task_forces.append(TaskForce(name=f"{project.name}专班"[:100], lead_official=lead_official))
        district_lists.append(districts)
    TaskForce.objects.bulk_create(task_forces, batch_size=1000)
    for project, task_force in zip(projects, task_forces, strict=True):
        project.task_force = task_force
    Project.objects.bulk_create(projects, batch_size=1000)
    through = Project.districts.through
    through.objects.bulk_create(
        [
            through(project_id=project.pk, region_id=getattr(region, "pk", region))
            for project, regions in zip(projects, district_lists, strict=True)
            for region in regions
        ],
        batch_size=1000,
    )
    records = []
    for project, regions in zip(projects, district_lists, strict=True):
        after = snapshot(project, SNAPSHOT_FIELDS)
        after["districts"] = sorted(getattr(r, "pk", r) for r in regions)
        records.append(
            build_change(
                by=by, action="create", obj=project, after=after, reason=reason,
                project_id=project.pk, programme_id=programme.pk,
            )
        )  # fmt: skip
    record_changes(records)
    return projects


@transaction.atomic
def update_projects(
    programme: Programme, changes: list[tuple[Project, dict]], *, by, reason: str = ""
) -> int:
    """Apply many updates at once (imports, by the office): the same checks and audit as
    `update_project`, written in bulk. Each change is (project as read, data); data may
    hold "districts" and "lead_official" (the task force's). Returns the number changed."""
    require(by, "import", programme)
    if not changes:
        return 0
    ids = [project.pk for project, _change in changes]
    current = {}
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        rows = Project.objects.select_for_update(of=("self",)).filter(
            programme=programme, pk__in=chunk
        )
        current.update({p.pk: p for p in rows.select_related("task_force")})
    district_rows = Project.districts.through.objects.filter(project__programme=programme)
    districts_of: dict[int, list[int]] = {}
    for project_id, region_id in district_rows.values_list("project_id", "region_id"):
        districts_of.setdefault(project_id, []).append(region_id)
    owner_of_name = dict(
        Project.objects.filter(programme=programme).values_list("name", "pk")
    )  # fmt: skip
    now = timezone.now()
    ledger_fields = set(SNAPSHOT_FIELDS)
    all_fields = [f.name for f in Project._meta.fields]
    changed_fields: set[str] = set()
    updated, task_forces, new_districts, records = [], [], {}, []
    for index, (read, data) in enumerate(changes):
        project = current.get(read.pk)
        if project is None or project.version != read.version:
            raise at_item(ConcurrentEditError(), index)
        data = dict(data)
        lead_official = data.pop("lead_official", None)
        districts = data.pop("districts", None)
        before = snapshot(project, ledger_fields)
        before["districts"] = sorted(districts_of.get(project.pk, []))
        if "completed_before_reports" in data:
            raise ValueError("completed_before_reports moves with completed_investment")
        completed_before = project.completed_investment
        for field, value in data.items():
            setattr(project, field, value)
        try:
            _move_before_reports(project, completed_before)
            # The stored values were validated when written: check only what changes.
            project.clean_fields(
                exclude=[f for f in all_fields if f not in data or f in RESOLVED_FIELDS]
            )
            check_dates(project, programme.year)
        except ValidationError as exc:
            raise at_item(exc, index) from None
        if owner_of_name.get(project.name, project.pk) != project.pk:
            duplicate = {"name": _("项目名称重复：%(name)s") % {"name": project.name}}
            raise at_item(ValidationError(duplicate), index)
        owner_of_name[project.name] = project.pk
        moved = {"completed_before_reports"} if "completed_investment" in data else set()
        after = before | snapshot(project, ledger_fields & (set(data) | moved))
        if districts is not None:
            after["districts"] = sorted(getattr(r, "pk", r) for r in districts)
            if after["districts"] != before["districts"]:
                new_districts[project.pk] = after["districts"]
        b, a = diff(before, after)
        if lead_official is not None and project.task_force is not None:
            if project.task_force.lead_official != lead_official:
                b["lead_official"] = project.task_force.lead_official
                a["lead_official"] = lead_official
                project.task_force.lead_official = lead_official
                task_forces.append(project.task_force)
        if not a:
            continue
        changed_fields |= (set(a) & (set(data) | moved)) | (set(data) - ledger_fields)
        project.version += 1
        project.updated_at = now
        updated.append(project)
        records.append(
            build_change(
                by=by, action="update", obj=project, before=b, after=a, reason=reason,
                project_id=project.pk, programme_id=programme.pk,
            )
        )  # fmt: skip
    # Only the fields some row changed, each row's own values, one statement per batch.
    bulk_set(Project, updated, sorted(changed_fields | {"version", "updated_at"}))
    bulk_set(TaskForce, task_forces, ["lead_official"])
    through = Project.districts.through
    if new_districts:
        through.objects.filter(project_id__in=list(new_districts)).delete()
        through.objects.bulk_create(
            [through(project_id=p, region_id=r) for p, rs in new_districts.items() for r in rs],
            batch_size=1000,
        )
    record_changes(records)
    return len(updated)


# --- the units register (owners, responsible units, departments) -------------------------


@transaction.atomic
def save_unit(programme: Programme, data: dict, *, by, unit: Unit | None = None) -> Unit:
    require(by, "manage_people", programme)
    fields = ["name", "short_name", "kind", "credit_code", "region"]
    before = snapshot(unit, fields) if unit else None
    unit = unit or Unit()
    for field in fields:
        if field in data:
            setattr(unit, field, data[field])
    if unit.credit_code:
        unit.credit_code = unit.credit_code.strip().upper()
    unit.full_clean()
    unit.save()
    after = snapshot(unit, fields)
    b, a = diff(before, after) if before else (None, after)
    if a:
        record_change(
            by=by,
            action="update" if before else "create",
            obj=unit,
            before=b,
            after=a,
            programme_id=programme.pk,
        )
    return unit
