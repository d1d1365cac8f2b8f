"""Site-wide views: health check and home."""

from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure makes the instance unhealthy
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "vendor": connection.vendor})


def home(request):
    from keyworks.reminders.views import home as reminders_home

    return reminders_home(request)


class LoginView(auth_views.LoginView):
    """The sign-in page; on a demo install it lists the demo accounts."""

    def get_context_data(self, **kwargs):
        from keyworks.ledger.models import Programme

        context = super().get_context_data(**kwargs)
        if Programme.objects.filter(is_demo=True).exists():
            context["demo_accounts"] = [
                ("office", "指挥部办公室 / office"),
                ("leader", "指挥部领导 / leader"),
                ("inspector", "督导 / inspector"),
                ("tf01 … tf30", "第 n 个项目的专班 / task force of project n"),
                ("d410802 …", "县(市、区)协调员，按区划代码 / district coordinator"),
                ("dept-zrzy …", "职能部门 / department"),
            ]
            context["demo_password_hint"] = (
                "密码见 make demo 的输出 / password: see the output of make demo"
            )
        return context
