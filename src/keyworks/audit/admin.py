from django.contrib import admin

from keyworks.core.admin import ReadOnlyAdmin

from .models import ChangeRecord


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "object_type", "object_label", "request_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_label", "actor_name", "request_id"]
