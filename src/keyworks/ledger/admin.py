from django.contrib import admin

from keyworks.core.admin import ReadOnlyAdmin

from .models import Category, Programme, Project, TaskForce


@admin.register(Programme)
class ProgrammeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "year", "region", "is_demo"]


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ["programme", "code", "name", "sort"]


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["programme", "seq", "name", "code", "stage", "total_investment"]
    list_filter = ["programme", "stage"]
    search_fields = ["name", "code"]


@admin.register(TaskForce)
class TaskForceAdmin(ReadOnlyAdmin):
    list_display = ["name", "lead_official"]
