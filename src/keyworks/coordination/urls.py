from django.urls import path

from . import views

app_name = "coordination"
urlpatterns = [
    path("", views.problem_list, name="problem_list"),
    path("export.xlsx", views.problem_export, name="problem_export"),
    path("stats/", views.problem_stats, name="problem_stats"),
    path("rules/", views.escalation_rules, name="escalation_rules"),
    path("project/<int:project_pk>/raise/", views.problem_raise, name="problem_raise"),
    path("<int:pk>/", views.problem_detail, name="problem_detail"),
    path("<int:pk>/<str:action>/", views.problem_action, name="problem_action"),
]
