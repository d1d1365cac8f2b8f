from django.urls import path

from . import views

app_name = "reporting"
urlpatterns = [
    path("", views.report_list, name="report_list"),
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
