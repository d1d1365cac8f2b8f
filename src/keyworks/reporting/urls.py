from django.urls import path

from . import measure_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("measures/", measure_views.measures_page, name="measures"),
    path(
        "measures/project/<int:pk>/<str:action>/",
        measure_views.project_pause,
        name="project_pause",
    ),
    path("project/<int:project_pk>/<int:year>-<int:month>/", views.report_start, name="start"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("<int:pk>/<str:action>/", views.report_action, name="report_action"),
    path(
        "corrections/<int:correction_pk>/<str:decision>/",
        views.correction_decide,
        name="correction_decide",
    ),
]
