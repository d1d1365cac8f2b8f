"""The battle map (挂图作战). Thin views: access, filter, serialise."""

import json
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q, Sum
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST

from keyworks.audit import revisions
from keyworks.core.calendar import local_today
from keyworks.ledger import services as ledger_services
from keyworks.ledger.filters import filtered_projects
from keyworks.ledger.models import Project, Stage
from keyworks.ledger.permissions import can, editable_fields, get_project
from keyworks.ledger.programmes import current_programme
from keyworks.orgs.models import Region
from keyworks.reporting import lights as warning_lights
from keyworks.reporting.registry import paused_projects

from . import js_labels
from .geo import round_geometry
from .tiles import tiles_config

COORD_DIGITS = 5
THIN_ABOVE = 2000  # more projects than this: a thinned payload (see map_payload)
THIN_DIGITS = 4
MEASURES = [
    ("count", gettext_lazy("项目数")),
    ("total", gettext_lazy("总投资（万元）")),
    ("completed", gettext_lazy("完成投资（万元）")),
]


def compact_json(data) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


def cached_json(request, programme, kind: str, build) -> HttpResponse:
    """`compact_json(build())`, the body reused for the same user, address, language and day until
    the programme's data changes (big screens poll every few minutes, and 10,000 projects
    take most of a second to assemble). Check permissions before calling."""
    user = getattr(request.user, "pk", None)
    key = (kind, user, request.get_full_path(), get_language(), local_today())

    def body() -> str:
        return json.dumps(build(), ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)

    text = revisions.reuse(revisions.RESPONSES, key, programme, body)
    return HttpResponse(text, content_type="application/json; charset=utf-8")


def whole(value: Decimal | None) -> int:
    """万元 rounded to a whole number, for hover text and shading (cards show 2 dp)."""
    return int((value or Decimal(0)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent(completed: Decimal | None, total: Decimal | None) -> int:
    if not total:
        return 0
    return int((Decimal(100) * (completed or 0) / total).quantize(Decimal(1), ROUND_HALF_UP))


def programme_regions(programme):
    return Region.objects.filter(Q(parent=programme.region) | Q(pk=programme.region_id))


def can_locate(user, project: Project) -> bool:
    """May the user set the project's coordinates (the service decides in the end)?"""
    if not can(user, "change", project):
        return False
    fields = editable_fields(user, project)
    return fields is None or {"longitude", "latitude"} <= fields


@login_required
def map_page(request):
    programme = current_programme(request)
    project_filter = filtered_projects(request, programme)
    changeable = Project.objects.restrict(request.user, "change").filter(programme=programme)
    context = {
        "filter": project_filter,
        "measures": MEASURES,
        "may_locate": changeable.exists(),
        "wide_layout": True,
        "map_tiles": tiles_config(),
        "js_labels": js_labels.map_labels(),
    }
    return render(request, "dashboards/map.html", context)


@login_required
def geo_json(request):
    return compact_json(geo_payload(current_programme(request)))


def geo_payload(programme) -> dict:
    """The programme's districts (or the programme region itself) as a FeatureCollection."""
    regions = [
        r
        for r in Region.objects.filter(parent=programme.region, boundary__isnull=False).order_by(
            "sort", "code", "pk"
        )
        if r.boundary
    ]
    if not regions and programme.region.boundary:
        regions = [programme.region]
    features = [
        {
            "type": "Feature",
            "id": r.code or str(r.pk),
            "properties": {"name": r.name, "code": r.code, "pk": r.pk},
            "geometry": round_geometry(r.boundary, COORD_DIGITS),
        }
        for r in regions
    ]
    return {"type": "FeatureCollection", "features": features}


@gzip_page  # chart data compresses ~5×; no secrets in it for BREACH to guess
@login_required
def map_data(request):
    programme = current_programme(request)
    return cached_json(
        request, programme, "map",
        lambda: map_payload(programme, filtered_projects(request, programme).qs),
    )  # fmt: skip


def map_payload(programme, qs) -> dict:
    """Compact map data for the projects `qs` (filtered, of `programme`).

    `p`: [id, lng, lat, stage index, category index, name, total 万元, completion %]
    (lng/lat null when unplaced); `dims`: the colour-by choices, whose `i` is the point
    position holding the index into `v`; `l`: {id: LineString coordinates};
    `d`: {district name: [count, total, completed, paused]} — the first three over the
    projects not paused in the month the lights are of, as the measures' district
    rollup counts them (`reporting.registry`), the fourth the paused ones left out;
    `o`: the districts with no boundary shape, [name, count, total, completed, paused]
    each, listed beside the map; `pm`: that month (YYYY-MM); `m`: the district measures;
    `g`: {id: index into the light dim's `v`} (warning light of the last finished month;
    archived projects have none). A dim with `g` names that lookup instead of `i`, and
    may carry its own colours `c`.

    Crowded maps (more than `THIN_ABOVE` projects) are thinned: `thin` is 1, placed
    points carry no name (hover says "click for the card", the card has it) and
    coordinates have 4 decimals (about 10 m), which keeps 10,000 projects well under
    1 MB; the client then draws them with ECharts' large-scatter mode.
    """
    categories = list(programme.categories.order_by("sort", "pk").values_list("pk", "name"))
    category_index = {pk: i for i, (pk, _name) in enumerate(categories)}
    stages = list(Stage.choices)
    stage_index = {value: i for i, (value, _label) in enumerate(stages)}
    points, lines = [], {}
    rows = qs.values_list(
        "pk",
        "longitude",
        "latitude",
        "stage",
        "category_id",
        "name",
        "total_investment",
        "completed_investment",
        "geometry",
    )
    rows = list(rows)
    thin = len(rows) > THIN_ABOVE
    digits = THIN_DIGITS if thin else COORD_DIGITS
    for pk, lng, lat, stage, category, name, total, completed, geometry in rows:
        placed = lng is not None and lat is not None
        points.append(
            [
                pk,
                round(float(lng), digits) if placed else None,
                round(float(lat), digits) if placed else None,
                stage_index.get(stage, 0),
                category_index.get(category, 0),
                "" if thin and placed else name,
                whole(total),
                percent(completed, total),
            ]
        )
        line = line_coordinates(geometry)
        if line:
            lines[pk] = line
    month, paused = paused_projects(programme)
    districts = district_figures(qs, paused)
    lights = warning_lights.project_lights(programme, month)
    light_index = {color: i for i, color in enumerate(warning_lights.COLORS)}
    data = {
        "n": len(points),
        "dims": [
            {"k": "stage", "label": _("建设阶段"), "i": 3, "v": [str(s[1]) for s in stages]},
            {
                "k": "category",
                "label": _("项目类别"),
                "i": 4,
                "v": [c[1] for c in categories],
            },
            {
                "k": "light",
                "label": _("预警灯（%(month)s）") % {"month": f"{month:%Y-%m}"},
                "g": "g",
                "v": [warning_lights.LABELS[c] for c in warning_lights.COLORS],
                "c": [warning_lights.HEX[c] for c in warning_lights.COLORS],
            },
        ],
        "g": {pk: light_index[lights[pk].color] for pk, *_rest in points if pk in lights},
        "p": points,
        "l": lines,
        "d": districts,
        "o": [[name, *districts.get(name, [0, 0, 0, 0])] for name in shapeless(programme)],
        "pm": f"{month:%Y-%m}",
        "m": [[key, label] for key, label in MEASURES],
        "thin": int(thin),
    }
    return data


def district_figures(qs, paused: set) -> dict[str, list[int]]:
    """{district name: [projects, total 万元, completed 万元, paused projects]} of `qs`:
    the paused ones are left out of the first three, as the measures' rollup does (a
    project in several districts counts in each)."""
    through = Project.districts.through.objects.filter(project__in=qs.order_by().values("pk"))
    kept = ~Q(project_id__in=paused)
    rows = (
        through.values("region__name")
        .annotate(
            n=Count("project_id", filter=kept),
            t=Sum("project__total_investment", filter=kept),
            c=Sum("project__completed_investment", filter=kept),
            p=Count("project_id", filter=Q(project_id__in=paused)),
        )
        .order_by("region__name")
    )
    return {r["region__name"]: [r["n"], whole(r["t"]), whole(r["c"]), r["p"]] for r in rows}


def shapeless(programme) -> list[str]:
    """The programme's districts the map cannot draw (no boundary), in their order."""
    regions = Region.objects.filter(parent=programme.region).order_by("sort", "code", "pk")
    return list(
        regions.filter(Q(boundary__isnull=True) | Q(boundary={})).values_list("name", flat=True)
    )


def line_coordinates(geometry) -> list | None:
    if not isinstance(geometry, dict) or geometry.get("type") != "LineString":
        return None
    try:
        return [
            [round(float(x), COORD_DIGITS), round(float(y), COORD_DIGITS)]
            for x, y, *_rest in geometry.get("coordinates") or []
        ] or None
    except (TypeError, ValueError):
        return None


@login_required
def project_card(request, pk):
    project = get_project(request.user, pk)
    context = {
        "project": project,
        "districts": project.districts.all(),
        "completion": percent(project.completed_investment, project.total_investment),
        "can_locate": can_locate(request.user, project),
    }
    return render(request, "dashboards/project_card.html", context)


@require_POST
@login_required
def set_location(request, pk):
    project = get_project(request.user, pk, "change")
    point = {}
    for name in ("lng", "lat"):
        try:
            value = Decimal(request.POST.get(name, "").strip())
            # NaN and infinities are numbers to Decimal, never a place.
            if not value.is_finite():
                raise InvalidOperation
            point[name] = value.quantize(Decimal("0.000001"), ROUND_HALF_UP)
        except (InvalidOperation, ValueError):
            return JsonResponse(
                {"error": _("%(field)s：经纬度格式错误") % {"field": name}, "field": name},
                status=400,
            )
    try:
        version = int(request.POST["version"]) if request.POST.get("version") else None
    except ValueError:
        return JsonResponse({"error": _("version：版本号错误")}, status=400)
    lng, lat = point["lng"], point["lat"]
    try:
        project = ledger_services.update_project(
            project,
            {"longitude": lng, "latitude": lat},
            by=request.user,
            expected_version=version,
            reason="在地图上设置位置",
        )
    except PermissionDenied as exc:
        return JsonResponse({"error": str(exc)}, status=403)
    except ledger_services.ConcurrentEditError as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    except ValidationError as exc:  # the ledger's rules: a place in China
        return JsonResponse({"error": "；".join(exc.messages)}, status=400)
    return JsonResponse(
        {
            "id": project.pk,
            "lng": str(project.longitude),
            "lat": str(project.latitude),
            "version": project.version,
        }
    )
