from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.people, name="people"),
    path("new/", views.person_edit, name="person_create"),
    path("<int:pk>/", views.person_edit, name="person_edit"),
    path("<int:pk>/roles/", views.role_add, name="role_add"),
    path("<int:pk>/roles/<int:assignment_pk>/remove/", views.role_remove, name="role_remove"),
    path("units/", views.units, name="units"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
