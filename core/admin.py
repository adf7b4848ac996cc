"""Admin building blocks shared by the domain apps."""

from django.contrib import admin
from django.http import HttpRequest


class HistoryAdmin(admin.ModelAdmin):
    """Read-only admin for history rows: they are written by services only.

    Staff inspect and filter them; nobody edits or deletes the past here.
    """

    list_per_page = 50
    show_full_result_count = False  # a count(*) over millions of rows on every page is slow

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """An inline list of rows that only services write."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
