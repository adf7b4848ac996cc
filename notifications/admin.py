"""Admin for notifications: edit and preview templates; inspect and retry the outbox."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from accounts.models import Account
from core.admin import HistoryAdmin

from .models import (
    Alert,
    Message,
    MessageStatus,
    MessageTemplate,
    OutboxPolicy,
    SlackChannel,
    WebhookEndpoint,
)
from .services import retry_message
from .templating import AnyData, build_context, render, sample_context


class AccountIdField(forms.ModelChoiceField):
    """An account by id; anything that is not one is an invalid choice, never a crash."""

    def to_python(self, value):
        # Past 18 digits an id would overflow the database's integer before the lookup.
        if value not in self.empty_values and not (str(value).isdigit() and len(str(value)) <= 18):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class PreviewForm(forms.Form):
    account = AccountIdField(
        queryset=Account.objects.all(),
        widget=AutocompleteSelect(Message._meta.get_field("account"), admin.site),
        help_text="Render with this account's real values.",
    )


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = [
        "key",
        "name",
        "channel",
        "audience",
        "transactional",
        "priority",
        "updated_at",
        "preview",
    ]
    list_filter = ["channel", "audience", "transactional", "priority"]
    search_fields = ["key", "name", "subject", "body_text"]
    readonly_fields = ["updated_at", "updated_by"]
    fields = [
        "key",
        "name",
        "channel",
        "audience",
        "transactional",
        "priority",
        "repeat_days",
        "repeat_scope",
        "subject",
        "body_text",
        "body_html",
        "updated_at",
        "updated_by",
    ]

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        # Workflows refer to templates by key and channel: fixed once created.
        extra = ["key", "channel", "audience"] if obj else []
        return [*extra, *self.readonly_fields]

    def save_model(self, request: HttpRequest, obj: MessageTemplate, form, change: bool) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Preview")
    def preview(self, template: MessageTemplate) -> str:
        url = reverse("admin:notifications_messagetemplate_preview", args=[template.pk])
        return format_html('<a href="{}">preview</a>', url)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.preview_view)
        return [
            path("<int:pk>/preview/", preview, name="notifications_messagetemplate_preview"),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The template rendered for a chosen account (or sample values)."""
        template = get_object_or_404(MessageTemplate, pk=pk)
        if not self.has_view_permission(request, template):
            return HttpResponse(status=403)
        form = PreviewForm(request.GET or None)
        account = form.cleaned_data["account"] if form.is_valid() else None
        error = ""
        if account is None and request.GET.get("account"):
            error = "No such account; showing sample values."
            form = PreviewForm()  # the widget would look the bad value up again to show it
        if account is not None:
            contact = account.contacts.filter(is_primary=True).first()
            context = build_context(
                account=account,
                contact=contact,
                recipient_name=contact.name if contact else request.user.get_full_name(),
                data=AnyData(),
                links=AnyData(),
            )
        else:
            context = sample_context()
        return TemplateResponse(
            request,
            "admin/notifications/messagetemplate/preview.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"Preview: {template.name}",
                "template_obj": template,
                "form": form,
                "error": error,
                "media": self.media + form.media,
                "rendered": render(template, context),
            },
        )


@admin.register(Message)
class MessageAdmin(HistoryAdmin):
    list_display = [
        "created_at",
        "channel",
        "recipient",
        "subject",
        "account",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = [
        "status",
        "channel",
        "transactional",
        "priority",
        ("held_reason", admin.EmptyFieldListFilter),
        "template",
    ]
    search_fields = ["recipient", "subject", "cause_key", "account__name"]
    list_select_related = ["account"]
    date_hierarchy = "created_at"
    actions = ["retry_failed"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # For the retry action only; the message itself stays read-only.
        return obj is None and request.user.has_perm("notifications.change_message")

    @admin.action(description="Retry the selected failed messages", permissions=["change"])
    def retry_failed(self, request: HttpRequest, queryset: QuerySet) -> None:
        failed = queryset.filter(status=MessageStatus.FAILED)
        retried = sum(retry_message(message=message) for message in failed)
        skipped = queryset.count() - retried
        self.message_user(request, f"{retried} message(s) queued again.", messages.SUCCESS)
        if skipped:
            self.message_user(request, f"{skipped} not failed, left alone.", messages.WARNING)


@admin.register(Alert)
class AlertAdmin(HistoryAdmin):
    list_display = ["created_at", "user", "title", "account", "read_at"]
    list_filter = [
        ("user", admin.RelatedOnlyFieldListFilter),
        ("read_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["title", "account__name"]
    list_select_related = ["user", "account"]


@admin.register(OutboxPolicy)
class OutboxPolicyAdmin(admin.ModelAdmin):
    """The caps and quiet hours for every playbook's customer messages: one row."""

    list_display = ["__str__", "nudges_on_weekends", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and not OutboxPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # without the row the defaults apply; edit it instead


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Where "Call a webhook" steps POST; the secret is shown so it can be given to the
    receiver (see the README's "Verify a webhook's signature")."""

    list_display = ["name", "key", "url", "allow_private", "active", "updated_at"]
    list_filter = ["active", "allow_private"]
    search_fields = ["name", "key", "url"]
    prepopulated_fields = {"key": ["name"]}
    readonly_fields = ["created_at", "updated_at"]


@admin.register(SlackChannel)
class SlackChannelAdmin(admin.ModelAdmin):
    """A team channel's incoming webhook and the kinds of alert posted to it."""

    list_display = ["name", "active"]
    list_filter = ["active"]
    filter_horizontal = ["kinds"]
