from django.urls import path

from . import views, views_excel

app_name = "ledger"
urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("export.xlsx", views_excel.export_ledger, name="export"),
    path("import/", views_excel.import_upload, name="import"),
    path("import/<str:token>/", views_excel.import_preview, name="import_preview"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/archive/", views.project_archive, name="project_archive"),
    path("<int:pk>/restore/", views.project_restore, name="project_restore"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/milestones/", views.milestone_save, name="milestone_add"),
    path("<int:pk>/milestones/<int:milestone_pk>/", views.milestone_save, name="milestone_edit"),
    path("<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/photos/<int:photo_pk>/", views.photo_file, name="photo_file"),
]
