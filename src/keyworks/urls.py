from django.contrib import admin
from django.urls import include, path

from keyworks.core import views as core_views

urlpatterns = [
    path("", include("keyworks.portal.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ledger/", include("keyworks.ledger.urls")),
    path("reporting/", include("keyworks.reporting.urls")),
    path("coordination/", include("keyworks.coordination.urls")),
    path("targets/", include("keyworks.targets.urls")),
    path("fieldwork/", include("keyworks.fieldwork.urls")),
    path("reminders/", include("keyworks.reminders.urls")),
    path("tasks/", include("keyworks.tasks.urls")),
    path("meetings/", include("keyworks.meetings.urls")),
    path("rankings/", include("keyworks.rankings.urls")),
    path("factors/", include("keyworks.factors.urls")),
    path("people/", include("keyworks.people.urls")),
    path("account/", include("keyworks.accounts.urls")),
    path("jobs/", include("keyworks.jobs.urls")),
    path("dashboards/", include("keyworks.dashboards.urls")),
    path("api/", include("keyworks.api.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "keyworks.core.views.bad_request"
