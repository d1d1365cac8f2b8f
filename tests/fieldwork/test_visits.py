"""On-site verification: the dispute threshold, flagged photos, resolving, the red light."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from keyworks.audit.models import ChangeRecord
from keyworks.fieldwork import services
from keyworks.fieldwork.models import FieldworkSettings, Visit, VisitPhoto, VisitStatus
from keyworks.reporting.lights import GREEN, RED, project_lights
from keyworks.reporting.measures import project_measures, rollup
from keyworks.reporting.models import ReportStatus

from .conftest import AUG, SITE, jpeg, report, visit_data

NOW = datetime.datetime(2025, 9, 20, 12, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("verified", "threshold", "status", "gap"),
    [
        ("2150.00", None, VisitStatus.CONSISTENT, Decimal("7.5")),
        ("2200.00", None, VisitStatus.CONSISTENT, Decimal("10.0")),  # exactly 10%: not over
        ("2250.00", None, VisitStatus.DISPUTED, Decimal("12.5")),
        ("1700.00", None, VisitStatus.DISPUTED, Decimal("-15.0")),  # under-reporting too
        ("2250.00", "15", VisitStatus.CONSISTENT, Decimal("12.5")),  # per-programme threshold
    ],
)
def test_dispute_threshold(world, verified, threshold, status, gap):
    report(world.own, ytd="2000.00")
    if threshold:
        FieldworkSettings.objects.create(programme=world.programme, dispute_percent=threshold)
    visit = services.record_visit(
        world.own, visit_data(verified_investment=Decimal(verified)), by=world.inspector
    )
    assert visit.status == status
    assert visit.gap_percent == gap
    assert visit.reported_investment == Decimal("2000.00")


def test_no_comparable_report(world):
    report(world.own, status=ReportStatus.DRAFT)  # a draft is not a reported figure
    visit = services.record_visit(world.own, visit_data(), by=world.inspector)
    assert visit.status == VisitStatus.UNCOMPARED and visit.reported_investment is None


def test_submitted_report_is_compared(world):
    report(world.own, status=ReportStatus.SUBMITTED, ytd="1000.00")
    visit = services.record_visit(world.own, visit_data(), by=world.office)
    assert visit.status == VisitStatus.DISPUTED and visit.gap_percent == Decimal("100.0")


def test_photos_are_flagged_not_refused(located):
    report(located.own)
    lat, lng = SITE
    good = jpeg(datetime.datetime(2025, 8, 28, 9), lat, lng, name="good.jpg")
    old = jpeg(datetime.datetime(2025, 6, 1, 9), lat, lng, name="old.jpg")
    far = jpeg(datetime.datetime(2025, 8, 28, 9), lat + 0.05, lng, name="far.jpg")
    bare = jpeg(name="bare.jpg")
    visit = services.record_visit(
        located.own, visit_data(), [good, old, far, bare], by=located.inspector
    )
    photos = list(visit.photos.order_by("id"))
    assert [bool(p.flags) for p in photos] == [False, True, True, True]
    assert "不在核验窗口" in photos[1].flags[0]
    assert "公里" in photos[2].flags[0]
    assert photos[3].flags[0].startswith("无拍摄信息")
    assert photos[0].taken_at == datetime.datetime(2025, 8, 28, 1, tzinfo=datetime.UTC)
    assert ChangeRecord.objects.filter(object_type="fieldwork.visitphoto").count() == 4


def test_a_non_image_refuses_the_whole_visit(world):
    report(world.own)
    fake = SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.record_visit(world.own, visit_data(), [jpeg(), fake], by=world.inspector)
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()


def test_oversized_photo_refused(world, settings):
    settings.PHOTO_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="超过"):
        services.record_visit(world.own, visit_data(), [jpeg()], by=world.inspector)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"verified_investment": Decimal("-1")}, "verified_investment"),
        ({"month": datetime.date(2099, 1, 1)}, "month"),
        ({"visit_date": datetime.date(2025, 7, 30)}, "visit_date"),  # before its month
        ({"people": " "}, "people"),
        ({"verified_percent": 120}, "verified_percent"),
    ],
)
def test_bad_visit_input(world, data, field):
    with pytest.raises(ValidationError) as exc:
        services.record_visit(world.own, visit_data(**data), by=world.inspector)
    assert field in exc.value.message_dict


@pytest.mark.parametrize("who", ["leader", "member", "district", "department_user"])
def test_only_inspector_or_office_records(world, who):
    with pytest.raises(PermissionDenied):
        services.record_visit(world.own, visit_data(), by=getattr(world, who))


def disputed(world):
    report(world.own, ytd="2000.00")
    return services.record_visit(
        world.own, visit_data(verified_investment=Decimal("1500.00")), by=world.inspector
    )


def test_resolve_dispute(world):
    visit = disputed(world)
    with pytest.raises(PermissionDenied):
        services.resolve_dispute(visit, "属实", by=world.inspector)
    with pytest.raises(ValidationError):
        services.resolve_dispute(visit, "  ", by=world.office)
    with pytest.raises(services.ConcurrentEditError):
        services.resolve_dispute(visit, "属实", by=world.office, expected_version=0)
    done = services.resolve_dispute(
        visit, "专班补充发票，核实无误", by=world.office, expected_version=1
    )
    assert done.status == VisitStatus.RESOLVED and done.version == 2
    change = ChangeRecord.objects.get(object_type="fieldwork.visit", action="resolve")
    assert change.after["status"] == "resolved" and change.reason == "专班补充发票，核实无误"
    with pytest.raises(ValidationError):  # nothing left to resolve
        services.resolve_dispute(done, "再次", by=world.office)


def green_august(world):
    """Accepted August reports keeping both projects green (67.5% against 66.7%)."""
    report(world.own, ytd="2700.00").__class__.objects.filter(project=world.own).update(
        is_late=False
    )
    report(world.other, ytd="2800.00")


def test_disputed_visit_turns_the_light_red_with_its_explanation(world):
    green_august(world)
    assert project_lights(world.programme, AUG, now=NOW)[world.own.pk].color == GREEN
    visit = services.record_visit(
        world.own, visit_data(verified_investment=Decimal("2000.00")), by=world.inspector
    )
    assert visit.status == VisitStatus.DISPUTED
    light = project_lights(world.programme, AUG, now=NOW)[world.own.pk]
    assert light.color == RED
    assert light.reasons == [
        "2025-09-02 实地核验2025年8月年度累计完成投资 2000.00 万元，月报 2700.00 万元，"
        "差异 -25.9%（红灯：核验争议，阈值 10%）"
    ]
    assert project_lights(world.programme, AUG, now=NOW)[world.other.pk].color == GREEN
    services.resolve_dispute(visit, "已核实", by=world.office)
    assert project_lights(world.programme, AUG, now=NOW)[world.own.pk].color == GREEN


def test_measures_carry_the_verified_gap(world):
    green_august(world)
    services.record_visit(
        world.own, visit_data(verified_investment=Decimal("2565.00")), by=world.inspector
    )
    measures = project_measures(world.programme, AUG, now=NOW)
    own = measures[world.own.pk]
    assert (own.verified, own.verified_reported, own.verified_gap) == (
        Decimal("2565.00"),
        Decimal("2700.00"),
        Decimal("-5.0"),
    )
    assert own.disputes == []
    assert measures[world.other.pk].verified_gap is None
    assert rollup(measures)[0].verified_gap == Decimal("-5.0")  # only verified projects count
    assert (
        project_measures(world.programme, datetime.date(2025, 7, 1), now=NOW)[world.own.pk].verified
        is None
    )


def test_refusals_follow_the_active_language(world):
    visit = disputed(world)
    with pytest.raises(ValidationError) as chinese:
        services.resolve_dispute(visit, "  ", by=world.office)
    assert "请填写处理意见" in str(chinese.value)
    with translation.override("en"), pytest.raises(PermissionDenied) as english:
        services.resolve_dispute(visit, "属实", by=world.inspector)
    assert str(english.value) == "Only the programme office resolves disputes"
    with translation.override("en"):
        with pytest.raises(services.ConcurrentEditError) as stale:
            services.resolve_dispute(visit, "属实", by=world.office, expected_version=0)
        assert "changed by someone else" in str(stale.value)  # said when it is shown
