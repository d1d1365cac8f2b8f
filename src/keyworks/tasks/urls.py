"""Tracked tasks: supervision items (督导清单) and leaders' instructions (领导批示)."""

from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("export.xlsx", views.task_export, name="task_export"),
    path("new/", views.task_create, name="task_create"),
    path("mine/", views.my_instructions, name="my_instructions"),
    path("<int:pk>/", views.task_detail, name="task_detail"),
    path("<int:pk>/<str:action>/", views.task_action, name="task_action"),
]
