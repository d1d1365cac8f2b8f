import django_filters
from django.utils.translation import gettext_lazy as _

from .models import ChangeRecord


class ChangeFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        label=_("操作人"), field_name="actor_name", lookup_expr="icontains"
    )
    action = django_filters.CharFilter(label=_("操作"), field_name="action")
    object_type = django_filters.CharFilter(label=_("对象类型"), field_name="object_type")
    q = django_filters.CharFilter(
        label=_("对象"), field_name="object_label", lookup_expr="icontains"
    )
    project = django_filters.NumberFilter(label=_("项目编号"), field_name="project_id")
    since = django_filters.DateFilter(label=_("起始日期"), field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("截止日期"), field_name="at", lookup_expr="date__lte")
    request_id = django_filters.CharFilter(label=_("请求编号"), field_name="request_id")

    class Meta:
        model = ChangeRecord
        fields = []
