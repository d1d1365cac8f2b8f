from django.urls import path

from . import views

app_name = "factors"
urlpatterns = [
    path("", views.factor_list, name="factor_list"),
    path("export.xlsx", views.factor_export, name="factor_export"),
    path("project/<int:project_pk>/add/", views.item_create, name="item_create"),
    path("<int:pk>/edit/", views.item_edit, name="item_edit"),
]
