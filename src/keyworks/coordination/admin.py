from django.contrib import admin

from .models import Problem, ProblemEvent


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    """Read-only: problems change only through the services (and are never deleted)."""

    list_display = ["id", "project", "category", "status", "level", "deadline"]
    list_filter = ["status", "category", "level"]
    readonly_fields = [f.name for f in Problem._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProblemEvent)
class ProblemEventAdmin(admin.ModelAdmin):
    list_display = ["problem", "kind", "at", "status", "level", "actor"]
    readonly_fields = [f.name for f in ProblemEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
