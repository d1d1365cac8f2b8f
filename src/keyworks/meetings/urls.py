"""The weekly dispatch meeting (一星期一调度): agenda, decisions followed as tasks, minutes."""

from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("open/", views.meeting_open, name="meeting_open"),
    path("decisions/", views.decision_list, name="decision_list"),
    path("decisions/export.xlsx", views.decision_export, name="decision_export"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/<str:action>/", views.decision_action, name="decision_action"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/minutes.docx", views.meeting_minutes, name="meeting_minutes"),
    path("<int:pk>/items/<int:item_pk>/<str:action>/", views.item_action, name="item_action"),
    path("<int:pk>/<str:action>/", views.meeting_action, name="meeting_action"),
]
