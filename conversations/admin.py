"""Saved replies are edited here; conversations and messages are read-only records."""

from django.contrib import admin

from .models import Conversation, Message, SavedReply


@admin.register(SavedReply)
class SavedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "created_by", "created_at"]
    search_fields = ["title", "body"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnly(admin.ModelAdmin):
    """Conversations change through the Conversations page and its services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(ReadOnly):
    list_display = ["pk", "contact", "account", "assignee", "status", "last_message_at"]
    list_filter = ["status"]
    list_select_related = ["contact", "account", "assignee"]
    search_fields = ["contact__name", "account__name"]


@admin.register(Message)
class MessageAdmin(ReadOnly):
    list_display = ["pk", "conversation", "author_kind", "created_at", "emailed_at"]
    list_filter = ["author_kind"]
    list_select_related = ["conversation__contact"]
