"""Field work: bi-weekly progress updates (每两周更新) and on-site verification (实地核验)."""

from django.urls import path

from . import views

app_name = "fieldwork"
urlpatterns = [
    path("", views.programme_updates, name="programme_updates"),
    path("project/<int:pk>/updates/", views.project_updates, name="project_updates"),
    path("updates/<int:pk>/", views.update_detail, name="update_detail"),
    path("updates/<int:pk>/photos/<int:photo_pk>/", views.update_photo, name="update_photo"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_choose, name="visit_choose"),
    path("project/<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/photos/", views.visit_add_photos, name="visit_add_photos"),
    path("visits/<int:pk>/photos/<int:photo_pk>/", views.visit_photo, name="visit_photo"),
    path("visits/<int:pk>/resolve/", views.visit_resolve, name="visit_resolve"),
    path("settings/", views.settings_edit, name="settings"),
]
