"""The bi-monthly progress meeting (两个月一推进、较短比长): scores, rankings, red and black
lists."""

from django.urls import path

from . import views

app_name = "rankings"
urlpatterns = [
    path("", views.ranking_page, name="ranking"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export.docx", views.export_docx, name="export_docx"),
    path("publish/", views.publish, name="publish"),
    path("scheme/", views.scheme_page, name="scheme"),
]
