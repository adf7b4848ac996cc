"""Admin for contacts, tags, opt-outs and account history: inspect, change only through services.

The account's own admin page shows and changes cards, scores and workflow runs
too, so it lives with the other pages that combine apps, in insights/admin.py.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from core import clock
from core.admin import HistoryAdmin, ReadOnlyInline
from core.causes import Cause

from . import selectors, services
from .models import (
    Account,
    AccountDate,
    AccountEvent,
    AccountTag,
    Contact,
    DateAttribute,
    HappinessChange,
    HealthStatusChange,
    OptOut,
    PlanMapping,
    StaffProfile,
    Tag,
    TagEvent,
)


class ContactInline(ReadOnlyInline):
    """Contacts change through ContactAdmin (and upsert_contact); here they are listed."""

    model = Contact
    fields = ["name", "email", "phone", "is_primary", "opt_outs"]
    readonly_fields = fields

    @admin.display(description="Opt-outs")
    def opt_outs(self, contact: Contact) -> str:
        return contact_opt_outs_label(contact)


class AccountTagInline(ReadOnlyInline):
    model = AccountTag
    fields = ["tag", "added_at"]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("tag")


class AccountForm(forms.ModelForm):
    """Refuses in the form what the services would refuse, so errors show on fields."""

    class Meta:
        model = Account
        fields = ["name", "external_id", "owner", "timezone", "plan", "mrr", "currency"]
        fields += ["signed_up_at"]

    def clean_signed_up_at(self):
        value = self.cleaned_data["signed_up_at"]
        if value is not None:
            clock.require_past(value, "The sign-up time")
        return value


def contact_opt_outs_label(contact: Contact) -> str:
    """What the contact's addresses opted out of, e.g. "E-mail since 2026-12-01"."""
    if contact.pk is None:
        return "—"
    [(_, opt_outs)] = selectors.opt_outs_by_contact([contact])
    return (
        ", ".join(
            f"{opt_out.get_channel_display()} since {opt_out.created_at:%Y-%m-%d}"
            for opt_out in opt_outs
        )
        or "None"
    )


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    """Addresses that asked for no more messages. Deleting one subscribes it again:
    only do so when the person asks."""

    list_display = ["address", "channel", "created_at", "cause_display"]
    list_filter = ["channel"]
    search_fields = ["address"]
    readonly_fields = ["channel", "address", "created_at", "cause_display"]
    fields = readonly_fields
    ordering = ["-created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only the person opts out (unsubscribe link, STOP reply)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(PlanMapping)
class PlanMappingAdmin(admin.ModelAdmin):
    """Which plan a Stripe price or product stands for, before its lookup_key and metadata.

    Configuration, not history: edited here directly. A mapping applies to the
    subscription events that come after it.
    """

    list_display = ["billing_id", "plan", "note"]
    list_filter = ["plan"]
    search_fields = ["billing_id", "note"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone", "account", "is_primary"]
    fields = ["account", "name", "email", "phone", "is_primary", "external_id"]
    readonly_fields = ["opt_outs"]

    @admin.display(description="Opt-outs")
    def opt_outs(self, contact: Contact) -> str:
        return contact_opt_outs_label(contact)

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [*self.readonly_fields, *(["account"] if obj else [])]

    def get_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [*self.fields, *self.readonly_fields]

    def save_model(self, request: HttpRequest, obj: Contact, form, change: bool) -> None:
        """Through upsert_contact: one primary per account, history and signal included."""
        contact, _ = services.upsert_contact(
            account=obj.account,
            contact=obj if change else None,
            name=obj.name,
            email=obj.email,
            phone=obj.phone,
            is_primary=obj.is_primary,
            external_id=obj.external_id,
            cause=Cause.by_user(request.user, "edited in the admin"),
        )
        obj.pk = contact.pk

    list_filter = ["is_primary"]
    search_fields = ["name", "email", "phone", "account__name"]
    autocomplete_fields = ["account"]
    list_select_related = ["account"]
    show_full_result_count = False


@admin.register(DateAttribute)
class DateAttributeAdmin(admin.ModelAdmin):
    """The custom dates a team keeps on accounts (usable by date-relative triggers)."""

    list_display = ["label", "key"]
    search_fields = ["label", "key"]


@admin.register(AccountDate)
class AccountDateAdmin(admin.ModelAdmin):
    """An account's custom dates: written through set_account_date (with history)."""

    list_display = ["account", "attribute", "value"]
    list_filter = ["attribute"]
    search_fields = ["account__name"]
    autocomplete_fields = ["account"]
    list_select_related = ["account", "attribute"]

    def save_model(self, request: HttpRequest, obj: AccountDate, form, change: bool) -> None:
        services.set_account_date(
            account=obj.account,
            key=obj.attribute.key,
            value=obj.value,
            cause=Cause.by_user(request.user, "edited in the admin"),
        )
        obj.pk = AccountDate.objects.get(account=obj.account, attribute=obj.attribute).pk

    def delete_model(self, request: HttpRequest, obj: AccountDate) -> None:
        services.set_account_date(
            account=obj.account,
            key=obj.attribute.key,
            value=None,
            cause=Cause.by_user(request.user, "cleared in the admin"),
        )


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "color", "description", "accounts_link"]
    search_fields = ["name"]

    @admin.display(description="Accounts")
    def accounts_link(self, tag: Tag) -> str:
        url = reverse("admin:accounts_account_changelist")
        return format_html('<a href="{}?tags__id__exact={}">accounts</a>', url, tag.pk)


@admin.register(TagEvent)
class TagEventAdmin(HistoryAdmin):
    list_display = ["created_at", "account", "tag", "action", "cause_display"]
    list_filter = ["action", "cause_kind", "tag"]
    search_fields = ["account__name", "account__external_id", "tag__name"]
    list_select_related = ["account", "tag", "cause_user"]
    date_hierarchy = "created_at"


@admin.register(HealthStatusChange)
class HealthStatusChangeAdmin(HistoryAdmin):
    list_display = ["created_at", "account", "from_status", "to_status", "note", "cause_display"]
    list_filter = ["to_status", "cause_kind"]
    search_fields = ["account__name", "account__external_id"]
    list_select_related = ["account", "cause_user"]


@admin.register(HappinessChange)
class HappinessChangeAdmin(HistoryAdmin):
    list_display = ["created_at", "account", "from_level", "to_level", "cause_display"]
    list_filter = ["to_level", "cause_kind"]
    search_fields = ["account__name", "account__external_id"]
    list_select_related = ["account", "cause_user"]


@admin.register(AccountEvent)
class AccountEventAdmin(HistoryAdmin):
    list_display = ["created_at", "account", "kind", "data", "cause_display"]
    list_filter = ["kind", "cause_kind"]
    search_fields = ["account__name", "account__external_id"]
    list_select_related = ["account", "cause_user"]


class StaffProfileInline(admin.StackedInline):
    """Whom a staff user reports to and their timezone, on the admin's user page."""

    model = StaffProfile
    fk_name = "user"
    can_delete = False
    max_num = 1
    fields = ["reports_to", "timezone"]
    autocomplete_fields = ["reports_to"]
    verbose_name_plural = "Reports to and timezone"


class StaffUserAdmin(UserAdmin):
    """Django's user admin with the staff profile inline."""

    inlines = [*UserAdmin.inlines, StaffProfileInline]


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), StaffUserAdmin)
