from django.contrib import admin

from keyworks.core.admin import ReadOnlyAdmin

from .models import Problem, ProblemEvent


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ["id", "project", "category", "status", "level", "deadline"]
    list_filter = ["status", "category", "level"]


@admin.register(ProblemEvent)
class ProblemEventAdmin(ReadOnlyAdmin):
    list_display = ["problem", "kind", "at", "status", "level", "actor"]
