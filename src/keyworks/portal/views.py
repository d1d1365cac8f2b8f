"""Pages that bring the apps together: the home page, sign-in, and the office's log of
every change in its programmes."""

import math

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from keyworks.accounts.forms import SignInForm
from keyworks.audit.display import history_rows
from keyworks.audit.filters import ChangeFilter
from keyworks.audit.models import ChangeRecord
from keyworks.core.throttles import sign_in_throttle
from keyworks.ledger.models import Programme
from keyworks.reminders.views import home as reminders_home


def home(request):
    return reminders_home(request)


class LoginView(auth_views.LoginView):
    """The sign-in page; on a demo install it lists the demo accounts."""

    authentication_form = SignInForm

    def post(self, request, *args, **kwargs):
        throttle = sign_in_throttle()
        if not throttle.allow_request(request):
            seconds = math.ceil(throttle.wait() or 60)
            response = render(request, "429.html", {"seconds": seconds}, status=429)
            response["Retry-After"] = str(seconds)
            return response
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if Programme.objects.filter(is_demo=True).exists():
            context["demo_accounts"] = [
                ("office", _("指挥部办公室")),
                ("leader", _("指挥部领导")),
                ("inspector", _("督导")),
                ("tf01 … tf30", _("第 n 个项目的专班")),
                ("d410802 …", _("县(市、区)协调员，按区划代码")),
                ("dept-zrzy …", _("职能部门")),
            ]
            context["demo_password_hint"] = _("密码见 make demo 的输出")
        return context


@login_required
def change_list(request):
    programmes = Programme.objects.restrict(request.user, "manage")
    if not programmes.exists():
        raise PermissionDenied(_("仅指挥部办公室可查看全部变更记录"))
    base = ChangeRecord.objects.filter(programme_id__in=programmes.values("pk"))
    change_filter = ChangeFilter(request.GET, queryset=base)
    page = Paginator(change_filter.qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "portal/change_list.html",
        {
            "filter": change_filter,
            "page": page,
            "querystring": params.urlencode(),
            "rows": history_rows(page.object_list, show_contacts=True),
        },
    )
