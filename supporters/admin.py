from django.contrib import admin

from .models import BlockedDomain


@admin.register(BlockedDomain)
class BlockedDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "note"]
    search_fields = ["domain"]
