"""Writes owned by the dashboards app: region boundaries and screen links."""

import hashlib
import json
import re
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from keyworks.audit.services import record_change
from keyworks.orgs.models import Region
from keyworks.orgs.roles import is_office_anywhere

from .geo import clean_polygon, count_positions
from .models import ScreenLink
from .permissions import require_manage_screen_links
from .screen_links import digest

NAME_SUFFIX = re.compile(r"(区|县|市)$")


@dataclass
class BoundaryImport:
    matched: list[tuple[str, Region]] = field(default_factory=list)  # (feature label, region)
    unmatched: list[str] = field(default_factory=list)


def short_name(name: str) -> str:
    return NAME_SUFFIX.sub("", name.strip()) if len(name.strip()) > 2 else name.strip()


def feature_code(feature: dict) -> str:
    props = feature.get("properties") or {}
    for value in (props.get("adcode"), props.get("code"), props.get("id"), feature.get("id")):
        if value not in (None, ""):
            return str(value).strip()
    return ""


def feature_name(feature: dict) -> str:
    props = feature.get("properties") or {}
    return str(props.get("name") or "").strip()


def boundary_summary(geometry: dict | None) -> dict | None:
    """What the change log keeps of a boundary: type, size and a fingerprint."""
    if not geometry:
        return None
    digest = hashlib.sha256(json.dumps(geometry, sort_keys=True).encode()).hexdigest()[:12]
    return {"type": geometry.get("type"), "points": count_positions(geometry), "sha": digest}


def _candidates(parent: Region | None) -> list[Region]:
    qs = Region.objects.all() if parent is None else Region.objects.filter(parent=parent)
    return list(qs.order_by("pk"))


def _match(feature: dict, regions: list[Region]) -> Region | None:
    code = feature_code(feature)
    if code:
        by_code = [r for r in regions if r.code and r.code == code]
        if len(by_code) == 1:
            return by_code[0]
    name = feature_name(feature)
    if not name:
        return None
    exact = [r for r in regions if r.name == name]
    if len(exact) == 1:
        return exact[0]
    loose = [r for r in regions if short_name(r.name) == short_name(name)]
    return loose[0] if len(loose) == 1 else None


@transaction.atomic
def import_boundaries(collection: dict, *, by, parent: Region | None = None) -> BoundaryImport:
    """Set `Region.boundary` from the features of a plain GeoJSON FeatureCollection.

    Features are matched to regions (children of `parent` if given) by code, then by
    name (also without the 区/县/市 suffix). Unmatched features are reported, not errors;
    any invalid feature or no match at all raises ValidationError and writes nothing.
    `by=None` is the system (command line); a person must be office staff.
    """
    if by is not None and not is_office_anywhere(by):
        raise PermissionDenied(_("只有指挥部办公室可以导入区域边界"))
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationError(_("文件中没有要素"))
    regions = _candidates(parent)
    result = BoundaryImport()
    errors = []
    updates: dict[int, tuple[Region, dict]] = {}
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            errors.append(_("第 %(number)s 个要素格式错误") % {"number": number})
            continue
        label = feature_name(feature) or feature_code(feature) or f"#{number}"
        try:
            geometry = clean_polygon(feature.get("geometry"))
        except ValueError as exc:
            errors.append(
                _("第 %(number)s 个要素（%(label)s）：%(error)s")
                % {"number": number, "label": label, "error": exc}
            )
            continue
        region = _match(feature, regions)
        if region is None:
            result.unmatched.append(label)
            continue
        if region.pk in updates:
            errors.append(
                _("第 %(number)s 个要素（%(label)s）与前面的要素对应同一区域“%(region)s”")
                % {"number": number, "label": label, "region": region.name}
            )
            continue
        updates[region.pk] = (region, geometry)
        result.matched.append((label, region))
    if errors:
        raise ValidationError(errors)
    if not updates:
        raise ValidationError(_("没有要素与区域匹配，未写入任何数据"))
    for region, geometry in updates.values():
        before = boundary_summary(region.boundary)
        region.boundary = geometry
        region.save(update_fields=["boundary"])
        record_change(
            by=by,
            action="import_boundary",
            obj=region,
            before={"boundary": before},
            after={"boundary": boundary_summary(geometry)},
            reason="导入区域边界",
        )
    return result


# --- screen links (大屏链接) ---------------------------------------------------------------

TOKEN_BYTES = 24


@transaction.atomic
def create_screen_link(programme, name: str, *, by) -> tuple[ScreenLink, str]:
    """A new link; the raw token is returned once and never stored."""
    require_manage_screen_links(by, programme)
    name = (name or "").strip()[:50] or "会议室大屏"
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    link = ScreenLink.objects.create(
        programme=programme, name=name, prefix=raw[:8], digest=digest(raw), created_by=by
    )
    record_change(
        by=by,
        action="create_screen_link",
        obj=link,
        after={"name": link.name, "prefix": link.prefix},
        programme_id=programme.pk,
    )
    return link, raw


@transaction.atomic
def revoke_screen_link(link: ScreenLink, *, by) -> ScreenLink:
    require_manage_screen_links(by, link.programme)
    link = ScreenLink.objects.select_for_update().get(pk=link.pk)
    if link.revoked_at is not None:
        return link
    link.revoked_at = timezone.now()
    link.save(update_fields=["revoked_at"])
    record_change(
        by=by,
        action="revoke_screen_link",
        obj=link,
        before={"revoked_at": None},
        after={"revoked_at": link.revoked_at.isoformat()},
        programme_id=link.programme_id,
    )
    return link
