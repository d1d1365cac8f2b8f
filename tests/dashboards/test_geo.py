import json

import pytest
from django.core.exceptions import ValidationError

from keyworks.dashboards.geo import (
    decode_collection,
    decode_ring,
    encode_ring,
    read_collection,
)

RING = [[113.2, 35.2], [113.3, 35.2], [113.3, 35.31], [113.15, 35.31], [113.2, 35.2]]


def close(a, b, tolerance=1 / 1024):
    return all(
        abs(x - y) <= tolerance
        for p, q in zip(a, b, strict=True)
        for x, y in zip(p, q, strict=True)
    )


def test_decode_ring_inverts_encode_ring():
    encoded, offsets = encode_ring(RING)
    assert encoded.startswith("@@")  # first delta is zero: the offsets are the start
    decoded = decode_ring(encoded, offsets)
    assert len(decoded) == len(RING)
    assert close(decoded, RING)


def test_decode_ring_by_hand():
    # start (1024, 2048) → (1.0, 2.0); 'B' = 66 → 2 → +1; 'A' = 65 → 1 → -1.
    assert decode_ring("@@BA", [1024, 2048]) == [[1.0, 2.0], [1024 / 1024 + 1 / 1024, 2047 / 1024]]


def test_decode_collection_polygon_and_multipolygon():
    outer, outer_offsets = encode_ring(RING)
    encoded = {
        "type": "FeatureCollection",
        "UTF8Encoding": True,
        "features": [
            {
                "type": "Feature",
                "id": "1",
                "properties": {"name": "甲区"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [outer],
                    "encodeOffsets": [outer_offsets],
                },
            },
            {
                "type": "Feature",
                "properties": {"name": "乙县"},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[outer], [outer]],
                    "encodeOffsets": [[outer_offsets], [outer_offsets]],
                },
            },
        ],
    }
    plain = decode_collection(encoded)
    assert "UTF8Encoding" not in plain
    polygon = plain["features"][0]["geometry"]
    assert polygon == {"type": "Polygon", "coordinates": [decode_ring(outer, outer_offsets)]}
    assert close(polygon["coordinates"][0], RING)
    multi = plain["features"][1]["geometry"]
    assert multi["type"] == "MultiPolygon" and len(multi["coordinates"]) == 2
    assert close(multi["coordinates"][1][0], RING)


def test_read_collection_from_an_echarts_map_script(tmp_path):
    encoded, offsets = encode_ring(RING)
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
    script = tmp_path / "city.js"
    script.write_text(
        "(function (root, factory) {factory({}, root.echarts);}(this, function (exports, echarts)"
        " {echarts.registerMap('焦作', " + json.dumps(collection, ensure_ascii=False) + ");}));",
        encoding="utf-8",
    )
    plain = read_collection(script)
    assert close(plain["features"][0]["geometry"]["coordinates"][0], RING)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "不是有效的 JSON"),
        ('{"type": "Feature"}', "FeatureCollection"),
        ("echarts.registerMap('x', oops);", "registerMap"),
    ],
)
def test_read_collection_errors(tmp_path, content, message):
    path = tmp_path / ("bad.js" if "registerMap" in content else "bad.json")
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError) as excinfo:
        read_collection(path)
    assert message in " ".join(excinfo.value.messages)


def test_read_collection_missing_file(tmp_path):
    with pytest.raises(ValidationError, match="文件不存在"):
        read_collection(tmp_path / "nope.geojson")


def test_errors_follow_the_language(tmp_path):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError, match="No such file"):
        read_collection(tmp_path / "nope.geojson")
