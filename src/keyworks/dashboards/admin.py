from django.contrib import admin

from keyworks.core.admin import ReadOnlyAdmin

from .models import ScreenLink


@admin.register(ScreenLink)
class ScreenLinkAdmin(ReadOnlyAdmin):
    list_display = ["name", "programme", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["programme"]
    exclude = ["digest"]
