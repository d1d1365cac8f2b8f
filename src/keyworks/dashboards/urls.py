from django.urls import path

from . import views, views_command, views_schedule, views_screen

app_name = "dashboards"
urlpatterns = [
    path("", views_command.command_page, name="command"),
    path("command/data.json", views_command.command_data, name="command_data"),
    path("map/", views.map_page, name="map"),
    path("map/geo.json", views.geo_json, name="map_geo"),
    path("map/data.json", views.map_data, name="map_data"),
    path("map/project/<int:pk>/", views.project_card, name="map_card"),
    path("map/project/<int:pk>/location/", views.set_location, name="map_locate"),
    path("schedule/", views_schedule.schedule_page, name="schedule"),
    path("schedule/data.json", views_schedule.schedule_data, name="schedule_data"),
    path("schedule/export.xlsx", views_schedule.schedule_export, name="schedule_export"),
    path("screen/", views_screen.screen_page, name="screen"),
    path("screen/data.json", views_screen.screen_data, name="screen_data"),
    path("screen-links/", views_screen.links_page, name="screen_links"),
    path("screen-links/new/", views_screen.link_create, name="screen_link_create"),
    path("screen-links/<int:pk>/revoke/", views_screen.link_revoke, name="screen_link_revoke"),
    path("screen/<str:token>/", views_screen.link_page, name="screen_link"),
    path("screen/<str:token>/geo.json", views_screen.link_geo, name="screen_link_geo"),
    path("screen/<str:token>/map.json", views_screen.link_map, name="screen_link_map"),
    path("screen/<str:token>/data.json", views_screen.link_data, name="screen_link_data"),
]
