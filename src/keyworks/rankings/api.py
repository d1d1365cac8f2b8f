"""The bi-monthly progress meeting (两个月一推进、较短比长) over JSON: a period's ranking
with each score's parts and the movement, and the scoring scheme (read: everyone in the
programme; change and publish: office). Permissions come from each app's `permissions.py`."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema
from pydantic import ConfigDict

from keyworks.core.schemas import READ_ERRORS, WRITE_ERRORS, Version

from . import periods, services
from .models import PARTS, RankingScheme
from .permissions import rankings_programme
from .scoring import DIMENSION_LABELS, DIMENSIONS

router = Router()

PROGRAMME_HELP = gettext_lazy("计划代码（缺省为最新的计划）")
PERIOD_HELP = gettext_lazy("期次：起始月份 YYYY-MM（单月，如 2025-09 为9-10月）；缺省为最近一期")
PART_CODES = " | ".join(code for code, _l, _w in PARTS)


class PartOut(Schema):
    code: str = Field(description=PART_CODES)
    label: str
    weight: int
    score: Decimal
    figure: str = Field(description=gettext_lazy("计分依据"))
    no_data: bool = Field(description=gettext_lazy("无应考核事项，按满分计"))


class RowOut(Schema):
    key: str = Field(description=gettext_lazy("专班/县区/项目 id（空为未设）"))
    label: str
    rank: int
    total: Decimal
    previous_rank: int | None
    movement: str = Field(description=gettext_lazy("↑n | ↓n | — | 新 | 空（无上期）"))
    parts: list[PartOut]


class TableOut(Schema):
    dimension: str
    group_key: str = Field(description=gettext_lazy("项目排名的类别 ID"))
    title: str
    rows: list[RowOut]
    red: list[str] = Field(description=gettext_lazy("红榜"))
    black: list[str] = Field(description=gettext_lazy("黑榜"))


class RankingOut(Schema):
    programme: str
    period: str
    period_label: str
    published: bool
    published_at: str | None
    previous_period: str | None
    weights: dict[str, int]
    tables: list[TableOut]


class RankingQuery(Schema):
    programme: str | None = Field(None, description=PROGRAMME_HELP)
    period: str | None = Field(None, description=PERIOD_HELP)
    dimension: str | None = Field(
        None,
        description=format_lazy(
            "{}{}", " | ".join(code for code, _l in DIMENSIONS), gettext_lazy("（缺省为全部）")
        ),
    )


class SchemeOut(Schema):
    programme: str
    weights: dict[str, int]
    red_count: int
    black_count: int
    version: int
    saved: bool = Field(description=gettext_lazy("false: 默认方案，尚未保存"))


class SchemeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    weights: dict[str, int] = Field(
        description=format_lazy("{}{}", PART_CODES, gettext_lazy("；之和为 100"))
    )
    red_count: int
    black_count: int
    version: Version | None = Field(None, description="the version you read; 409 if stale")


class PublishIn(Schema):
    model_config = ConfigDict(extra="forbid")

    period: str = Field(description=PERIOD_HELP)


def scheme_out(scheme: RankingScheme) -> dict:
    return {
        "programme": scheme.programme.code,
        "weights": scheme.weights(),
        "red_count": scheme.red_count,
        "black_count": scheme.black_count,
        "version": scheme.version,
        "saved": scheme.pk is not None,
    }


def ranking_out(ranking: services.Ranking, dimension: str | None) -> dict:
    tables = []
    for code, _label in DIMENSIONS:
        if dimension and code != dimension:
            continue
        for t in ranking.tables.get(code, []):
            tables.append(
                {
                    "dimension": t.dimension,
                    "group_key": t.group_key,
                    "title": t.title,
                    "rows": [
                        {
                            "key": r.key,
                            "label": r.label,
                            "rank": r.rank,
                            "total": r.total,
                            "previous_rank": r.previous_rank,
                            "movement": r.movement_label,
                            "parts": [
                                {
                                    "code": p.code,
                                    "label": p.label,
                                    "weight": p.weight,
                                    "score": p.score,
                                    "figure": p.figure,
                                    "no_data": p.no_data,
                                }
                                for p in r.parts
                            ],
                        }
                        for r in t.rows
                    ],
                    "red": [r.key for r in t.red],
                    "black": [r.key for r in t.black],
                }
            )
    snap = ranking.published
    return {
        "programme": ranking.programme.code,
        "period": ranking.period.code,
        "period_label": ranking.period.label,
        "published": snap is not None,
        "published_at": snap.published_at.isoformat() if snap else None,
        "previous_period": ranking.previous.code if ranking.previous else None,
        "weights": ranking.weights,
        "tables": tables,
    }


@router.get(
    "/rankings",
    response={200: RankingOut, **READ_ERRORS},
    tags=["rankings"],
    description=gettext_lazy("两月推进排名：各项得分、名次、较上期升降、红黑榜"),
)
def get_ranking(request, query: Query[RankingQuery]):
    """A period's ranking with parts, ranks, movement and red/black lists. Published periods are
    frozen snapshots."""
    programme = rankings_programme(request.auth, query.programme)
    if query.dimension and query.dimension not in DIMENSION_LABELS:
        raise ValidationError({"dimension": _("未知的排名维度")})
    period = periods.choose(query.period, programme)
    return ranking_out(services.ranking_for(programme, period), query.dimension)


@router.get(
    "/rankings/scheme",
    response={200: SchemeOut, **READ_ERRORS},
    tags=["rankings"],
    description=gettext_lazy("计分方案"),
)
def get_scheme(request, programme: str | None = None):
    """The programme's scoring scheme (the defaults until the office saves one)."""
    found = rankings_programme(request.auth, programme)
    return scheme_out(RankingScheme.for_programme(found))


@router.put(
    "/rankings/scheme",
    response={200: SchemeOut, **WRITE_ERRORS},
    tags=["rankings"],
    description=gettext_lazy("修改计分方案（办公室；权重之和为 100）"),
)
def put_scheme(request, payload: SchemeIn, programme: str | None = None):
    """Change the scheme (office; weights add up to 100). A stale `version` is 409."""
    found = rankings_programme(request.auth, programme, "manage")
    values = {f"weight_{code}": payload.weights.get(code) for code, _l, _w in PARTS}
    unknown = set(payload.weights) - {code for code, _l, _w in PARTS}
    if unknown:
        raise ValidationError(
            {"weights": _("未知的计分项：%(value)s") % {"value": "、".join(sorted(unknown))}}
        )
    values.update(red_count=payload.red_count, black_count=payload.black_count)
    scheme = services.update_scheme(
        found, values, by=request.auth, expected_version=payload.version
    )
    return scheme_out(scheme)


@router.post(
    "/rankings/publish",
    response={200: RankingOut, **WRITE_ERRORS},
    tags=["rankings"],
    description=gettext_lazy("发布（固定）一期排名（办公室）"),
)
def publish(request, payload: PublishIn, programme: str | None = None):
    """Publish (freeze) a period's ranking (office)."""
    found = rankings_programme(request.auth, programme, "manage")
    period = periods.Period.parse(payload.period, found)
    services.publish(found, period, by=request.auth)
    return ranking_out(services.ranking_for(found, period), None)
