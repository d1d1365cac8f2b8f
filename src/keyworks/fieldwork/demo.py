"""Demo data for the demo programme: progress updates and on-site verification visits.

- progress updates every two weeks from October to late December of the programme year
  for most projects (a few stop in November, so they show 逾期未更新 first);
- five visits of November, compared with the accepted November reports: one disputed
  (verified 78 % of the reported figure), and one with a photo whose EXIF time and GPS
  fall outside the window and 9 km away (flagged). Photos are generated with Pillow.

Rows are written directly (seed data, like the rest of the demo loader); the loader's
one "import" record covers them. Idempotent per part."""

import datetime
import io
from collections import Counter
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from keyworks.core.calendar import SHANGHAI
from keyworks.core.images import inspect_photo
from keyworks.orgs.models import Role, RoleAssignment
from keyworks.reporting.models import MonthlyReport, ProjectPause, ReportStatus

from .models import FieldworkSettings, ProgressUpdate, Visit, VisitPhoto
from .photos import local_time, photo_flags
from .services import compare

TEXTS = [
    "按计划推进主体施工，现场作业人员{n}人",
    "完成本阶段主要工序，设备进场{n}台套",
    "加快施工进度，日均完成工程量较上期提升{n}%",
    "冬季施工措施落实到位，关键工序有序推进",
]
# (On projects the seed article does not report as progressing.)
PROBLEMS = {
    4: "部分管线迁改需燃气公司配合，进度滞后约一周",
    7: "施工便道占用农田补偿尚未到位，群众有意见",
    20: "园区东侧临时用电容量不足，影响夜间施工",
}
STOP_EARLY = {12, 21}  # no update after mid-November: 逾期未更新
VISITS = {  # seq -> verified share of the reported year-to-date figure
    1: Decimal("1.02"),
    4: Decimal("0.97"),
    7: Decimal("0.78"),  # disputed
    11: Decimal("1.00"),
    16: Decimal("0.95"),  # with a flagged photo
}
FLAGGED_PHOTO = 16


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def _dms(value: float):
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 100)
    return (IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(seconds, 100))


def site_photo(taken: datetime.datetime, lat: float | None, lng: float | None) -> bytes:
    """A small JPEG with EXIF time (and GPS when given), as a phone camera writes it."""
    image = Image.new("RGB", (320, 240), (120, 140, 160))
    exif = image.getexif()
    exif[0x0132] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTime
    exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
    if lat is not None and lng is not None:
        exif.get_ifd(0x8825).update(
            {1: "N" if lat >= 0 else "S", 2: _dms(abs(lat)), 3: "E" if lng >= 0 else "W"}
        )
        exif.get_ifd(0x8825)[4] = _dms(abs(lng))
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _updates(programme, projects, users) -> int:
    year = programme.year
    days = [datetime.date(year, 10, 6) + datetime.timedelta(days=14 * i) for i in range(6)]
    paused = {
        project_id: started.astimezone(SHANGHAI).date()
        for project_id, started in ProjectPause.objects.filter(
            project__programme=programme
        ).values_list("project_id", "started_at")
    }
    rows = []
    for seq, project in projects.items():
        author = users.get(seq)
        if author is None or project.archived_at is not None:
            continue
        for i, day in enumerate(days):
            if seq in STOP_EARLY and day > datetime.date(year, 11, 15):
                break
            if project.pk in paused and day >= paused[project.pk]:
                break  # a paused project reports no progress
            percent = min(100, 55 + 6 * i + seq % 7)
            problem = PROBLEMS.get(seq, "") if i == len(days) - 1 else ""
            rows.append(
                ProgressUpdate(
                    project=project,
                    text=TEXTS[i % len(TEXTS)].format(n=20 + seq + i * 3),
                    percent_complete=percent,
                    problems_noticed=problem,
                    posted_by=author,
                    posted_at=_at(day + datetime.timedelta(days=seq % 3), 9 + seq % 8),
                )
            )
    return len(ProgressUpdate.objects.bulk_create(rows))


def _visits(programme, projects, inspector) -> tuple[int, int]:
    month = datetime.date(programme.year, 11, 1)
    rules = FieldworkSettings.for_programme(programme)
    reports = dict(
        MonthlyReport.objects.filter(
            project__programme=programme, month=month, status=ReportStatus.ACCEPTED
        ).values_list("project_id", "ytd_total")
    )
    visits = photos = 0
    for seq, share in VISITS.items():
        project = projects.get(seq)
        if project is None or reports.get(project.pk) is None:
            continue
        verified = (reports[project.pk] * share).quantize(Decimal("0.01"))
        result = compare(project, month, verified, rules.dispute_percent)
        visit_day = datetime.date(programme.year, 12, 1 + seq % 3)
        visit = Visit.objects.create(
            project=project,
            month=month,
            visit_date=visit_day,
            people="孙建明、督导组两名同志",
            verified_investment=verified,
            verified_percent=min(100, 70 + seq),
            findings=(
                "现场施工与月报描述一致"
                if result.status != "disputed"
                else "现场查看设备尚未全部进场，部分已报投资对应工程量未完成，核实投资明显低于月报"
            ),
            reported_investment=result.reported,
            gap_percent=result.gap_percent,
            threshold_percent=rules.dispute_percent,
            status=result.status,
            recorded_by=inspector,
        )
        visits += 1
        lat = float(project.latitude) if project.latitude is not None else None
        lng = float(project.longitude) if project.longitude is not None else None
        shots = [(_at(visit_day, 10), lat, lng)]
        if seq == FLAGGED_PHOTO and lat is not None:
            shots.append((_at(datetime.date(programme.year, 9, 20), 15), lat + 0.08, lng))
        for n, (taken, photo_lat, photo_lng) in enumerate(shots, 1):
            content = ContentFile(site_photo(taken, photo_lat, photo_lng))
            info = inspect_photo(content)
            # A fixed name, written once: reloading the demo (tests do) adds no files.
            path = f"fieldwork/visits/{project.pk}/demo-{taken:%Y%m%d%H}-{n}.jpg"
            if not default_storage.exists(path):
                path = default_storage.save(path, content)
            VisitPhoto.objects.create(
                visit=visit,
                image=path,
                taken_at=local_time(info.taken_at),
                latitude=Decimal(str(round(info.latitude, 6))) if info.latitude else None,
                longitude=Decimal(str(round(info.longitude, 6))) if info.longitude else None,
                flags=photo_flags(info, project=project, month=month, max_km=rules.distance_km),
                uploaded_by=inspector,
            )
            photos += 1
    return visits, photos


def load_demo(programme) -> Counter:
    """Add this part of the demo while the programme has none of it; return what was made."""
    created: Counter = Counter()
    projects = {p.seq: p for p in programme.projects.select_related("programme")}
    if not projects:
        return created
    members = RoleAssignment.objects.filter(programme=programme, role=Role.TASKFORCE)
    by_task_force = {a.task_force_id: a.user for a in members.select_related("user")}
    users = {seq: by_task_force.get(p.task_force_id) for seq, p in projects.items()}
    if not ProgressUpdate.objects.filter(project__programme=programme).exists():
        created["progress_updates"] = _updates(programme, projects, users)
    if not Visit.objects.filter(project__programme=programme).exists():
        inspector = (
            RoleAssignment.objects.filter(programme=programme, role=Role.INSPECTOR)
            .select_related("user")
            .first()
        )
        if inspector is not None:
            created["visits"], created["visit_photos"] = _visits(
                programme, projects, inspector.user
            )
    return Counter({k: v for k, v in created.items() if v})
