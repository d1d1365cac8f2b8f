from django.contrib import admin

from keyworks.core.admin import ReadOnlyAdmin

from .models import RankingScheme, RankingSnapshot


@admin.register(RankingScheme)
class RankingSchemeAdmin(ReadOnlyAdmin):
    list_display = ["programme", "weight_investment", "red_count", "black_count", "version"]


@admin.register(RankingSnapshot)
class RankingSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["programme", "start_month", "published_at", "published_by"]
