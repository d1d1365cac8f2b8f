from django.urls import path

from . import views, views_command

app_name = "dashboards"
urlpatterns = [
    path("", views_command.command_page, name="command"),
    path("command/data.json", views_command.command_data, name="command_data"),
    path("map/", views.map_page, name="map"),
    path("map/geo.json", views.geo_json, name="map_geo"),
    path("map/data.json", views.map_data, name="map_data"),
    path("map/project/<int:pk>/", views.project_card, name="map_card"),
    path("map/project/<int:pk>/location/", views.set_location, name="map_locate"),
]
