"""The reminder list (工作提醒清单): what needs each user's attention, computed from the data."""

from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("", views.reminder_list, name="list"),
]
