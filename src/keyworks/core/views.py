"""The views without a domain: the health check, the bad-request and CSRF-failure pages."""

from django.core.exceptions import BadRequest
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
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


def csrf_failure(request, reason=""):
    """A form refused by the CSRF check (settings.CSRF_FAILURE_VIEW): the site's own page,
    in the active language, instead of Django's English one."""
    return render(request, "403_csrf.html", status=403)


def bad_request(request, exception=None):
    """A page refused (400): a bad value names its field and says why (core.calendar's
    month_param raises BadRequest with that message); other refusals say nothing more."""
    message = str(exception) if isinstance(exception, BadRequest) else ""
    return render(request, "400.html", {"message": message}, status=400)
