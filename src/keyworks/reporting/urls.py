from django.urls import path

from . import measure_views, month_import_views, rules_views, summary_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("measures/", measure_views.measures_page, name="measures"),
    path("summary/", summary_views.summary_page, name="summary"),
    path("summary.xlsx", summary_views.summary_export, name="summary_export"),
    path("template.xlsx", month_import_views.template_download, name="month_template"),
    path("import/", month_import_views.import_upload, name="month_import"),
    path("import/<str:token>/", month_import_views.import_preview, name="month_import_preview"),
    path("rules/", rules_views.warning_rules, name="warning_rules"),
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
