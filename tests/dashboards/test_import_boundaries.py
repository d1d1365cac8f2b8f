import json

import pytest
from django.core.management import CommandError, call_command

from keyworks.audit.models import ChangeRecord
from keyworks.orgs.models import Region

from .conftest import DISTRICTS


def run(*args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import-boundaries", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_matches_by_code_and_by_name_and_reports_unmatched(world):
    out, _err = run(str(DISTRICTS), "--parent", "410800")
    world.district_a.refresh_from_db()
    world.district_b.refresh_from_db()
    assert world.district_a.boundary["type"] == "Polygon"
    assert world.district_a.boundary["coordinates"][0][0] == [113.18, 35.2]
    assert world.district_b.boundary["type"] == "MultiPolygon"  # "武陟" matched 武陟县
    assert "Jiefang (by code) → 解放区" in out
    assert "武陟 → 武陟县" in out
    assert "未匹配：不存在区" in out
    assert "已导入 2 个边界，未匹配 1 个" in out
    records = ChangeRecord.objects.filter(action="import_boundary").order_by("object_id")
    assert [r.object_id for r in records] == sorted(
        [str(world.district_a.pk), str(world.district_b.pk)]
    )
    assert all(r.actor is None and r.actor_name.startswith("系统") for r in records)
    assert records[0].before == {"boundary": None}
    assert records[0].after["boundary"]["points"] >= 5


def test_parent_limits_matching(world):
    other_city = Region.objects.create(code="410700", name="新乡市", kind="city")
    with pytest.raises(CommandError):
        run(str(DISTRICTS), "--parent", other_city.code)
    assert not Region.objects.filter(boundary__isnull=False).exists()


def test_unknown_parent(world):
    with pytest.raises(CommandError, match="区域不存在"):
        run(str(DISTRICTS), "--parent", "000000")


def write(tmp_path, features):
    path = tmp_path / "b.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return str(path)


def test_any_bad_feature_writes_nothing(world, tmp_path):
    good = json.loads(DISTRICTS.read_text("utf-8"))["features"][0]
    bad = {
        "type": "Feature",
        "properties": {"name": "武陟县"},
        "geometry": {"type": "Polygon", "coordinates": [[[113.3, 95.0], [113.4, 35.0]]]},
    }
    point = {
        "type": "Feature",
        "properties": {"name": "解放区"},
        "geometry": {"type": "Point", "coordinates": [113.2, 35.2]},
    }
    with pytest.raises(CommandError):
        run(write(tmp_path, [good, bad]))
    assert not Region.objects.filter(boundary__isnull=False).exists()
    assert not ChangeRecord.objects.filter(action="import_boundary").exists()
    from django.core.exceptions import ValidationError

    from keyworks.dashboards.services import import_boundaries

    with pytest.raises(ValidationError) as excinfo:
        import_boundaries({"type": "FeatureCollection", "features": [good, bad, point]}, by=None)
    messages = " ".join(excinfo.value.messages)
    assert "第 2 个要素（武陟县）" in messages and "多边形的环至少需要 4 个点" in messages
    assert "几何类型应为 Polygon 或 MultiPolygon，而不是 Point" in messages
    assert not Region.objects.filter(boundary__isnull=False).exists()


def test_bad_files_report_errors(world, tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text("{", "utf-8")
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError, match="未导入任何边界"):
        call_command("import-boundaries", str(path), stdout=StringIO(), stderr=err)
    assert "不是有效的 JSON" in err.getvalue()
    with pytest.raises(CommandError):
        run(write(tmp_path, []))


def test_office_may_import_but_not_others(world):
    from django.core.exceptions import PermissionDenied

    from keyworks.dashboards.geo import read_collection
    from keyworks.dashboards.services import import_boundaries

    collection = read_collection(DISTRICTS)
    with pytest.raises(PermissionDenied):
        import_boundaries(collection, by=world.leader, parent=world.city)
    result = import_boundaries(collection, by=world.office, parent=world.city)
    assert len(result.matched) == 2
    assert ChangeRecord.objects.filter(action="import_boundary", actor=world.office).count() == 2


def test_demo_boundaries_from_the_vendored_echarts_map(world, tmp_path):
    from keyworks.dashboards.geo import encode_ring
    from keyworks.demo.loader import load_demo_boundaries

    assert "未找到焦作市边界文件" in load_demo_boundaries(tmp_path / "missing.js")
    ring = [[113.2, 35.2], [113.3, 35.2], [113.3, 35.3], [113.2, 35.2]]
    encoded, offsets = encode_ring(ring)
    collection = {
        "type": "FeatureCollection",
        "UTF8Encoding": True,
        "features": [
            {
                "type": "Feature",
                "id": "410802",
                "properties": {"name": "解放区"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [encoded],
                    "encodeOffsets": [offsets],
                },
            }
        ],
    }
    script = tmp_path / "jiaozuo.js"
    script.write_text(f"echarts.registerMap('焦作', {json.dumps(collection)});", "utf-8")
    assert "已导入区域边界 1 个" in load_demo_boundaries(script)
    world.district_a.refresh_from_db()
    assert world.district_a.boundary["coordinates"][0][1] == [113.299805, 35.200195]
    assert "区域边界已存在" in load_demo_boundaries(script)


def test_the_vendored_jiaozuo_map_if_installed(world):
    from django.conf import settings

    path = settings.BASE_DIR / "static/vendor/echarts-cities/jiaozuo.js"
    if not path.is_file():
        pytest.skip("front-end assets not installed (make assets)")
    out, _err = run(str(path), "--parent", "410800")
    assert "已导入 2 个边界，未匹配 8 个" in out
    world.district_a.refresh_from_db()
    ring = world.district_a.boundary["coordinates"][0]
    # 解放区 lies around 113.23 E, 35.24 N.
    assert 113.1 < min(p[0] for p in ring) < 113.23 < max(p[0] for p in ring) < 113.35
    assert 35.1 < min(p[1] for p in ring) < 35.24 < max(p[1] for p in ring) < 35.4
