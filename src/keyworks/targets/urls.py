"""Annual targets (年度目标): per project and year, reviewed item by item, versioned."""

from django.urls import path

from . import views

app_name = "targets"
urlpatterns = [
    path("", views.target_list, name="target_list"),
    path("project/<int:project_pk>/<int:year>/", views.project_targets, name="project"),
    path("project/<int:project_pk>/<int:year>/new/", views.target_create, name="create"),
    path("<int:pk>/edit/", views.target_edit, name="edit"),
    path("<int:pk>/submit/", views.target_submit, name="submit"),
    path("<int:pk>/review/", views.target_review, name="review"),
    path("<int:pk>/revise/", views.target_revise, name="revise"),
]
