"""Admin for integrations: create (shown once) and revoke API tokens; inbound events."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import HistoryAdmin

from .models import ApiToken, InboundEvent, SegmentMapping
from .tokens import create_token, revoke_token


class NewTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = NewTokenForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"] if obj else []

    def get_exclude(self, request: HttpRequest, obj=None):
        return ["key_hash"]

    def save_model(self, request: HttpRequest, obj: ApiToken, form, change: bool) -> None:
        if change:
            obj.save(update_fields=["name"])
            return
        token, key = create_token(name=obj.name, user=request.user)
        obj.pk, obj.created_at = token.pk, token.created_at
        self.message_user(
            request,
            f"Token for {token.name}: {key} — copy it now; it is not stored and will not be "
            "shown again.",
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        revoked = sum(revoke_token(token=token) for token in queryset)
        self.message_user(request, f"{revoked} token(s) revoked.")


@admin.register(InboundEvent)
class InboundEventAdmin(HistoryAdmin):
    list_display = ["received_at", "sender", "kind", "event_id", "account"]
    list_filter = ["kind", "sender"]
    search_fields = ["event_id", "account__name", "account__external_id"]
    list_select_related = ["account"]
    date_hierarchy = "received_at"


@admin.register(SegmentMapping)
class SegmentMappingAdmin(admin.ModelAdmin):
    """The one mapping row: no list to add to, nothing to delete (the defaults come back)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SegmentMapping.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
