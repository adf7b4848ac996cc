"""Admin building blocks shared by the domain apps."""

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from core.causes import Cause


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


def apply_to_each(
    modeladmin: admin.ModelAdmin, request: HttpRequest, objects, change, done: str
) -> None:
    """Run `change(obj, cause)` for each selected row through its service; report the outcome.

    Each change is its own transaction: a refusal (invalid, or not this user's to make)
    stops the loop and says how many rows had already changed, so nothing is left
    unexplained.
    """
    cause = Cause.by_user(request.user, request.POST.get("note") or "admin action")
    objects = list(objects)
    changed = 0
    for obj in objects:
        try:
            changed += bool(change(obj, cause))
        except (ValidationError, PermissionDenied) as error:
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else error
            modeladmin.message_user(
                request,
                f"{obj}: {reason} ({changed} changed before this one).",
                messages.ERROR,
            )
            return
    modeladmin.message_user(request, f"{done}: {changed} of {len(objects)} changed.")


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    """django-axes' failed log-ins (delete a username's rows to lift its lockout).

    Its "Clean up expired attempts" reads the time of the request from an attribute only
    a log-in sets, so from the admin it was a 500; it also deletes, so it asks for that.
    """

    @admin.action(description="Clean up expired attempts", permissions=["delete"])
    def cleanup_expired_attempts(self, request: HttpRequest, queryset) -> None:
        AxesProxyHandler.update_request(request)
        super().cleanup_expired_attempts(request, queryset)
