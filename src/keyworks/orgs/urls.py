from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/new/", views.person_edit, name="person_create"),
    path("people/<int:pk>/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/roles/", views.role_add, name="role_add"),
    path(
        "people/<int:pk>/roles/<int:assignment_pk>/remove/", views.role_remove, name="role_remove"
    ),
    path("units/", views.units, name="units"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
