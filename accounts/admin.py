"""Admin for accounts: inspect everything, change state only through services."""

import base64

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from core import clock
from core.admin import HistoryAdmin, ReadOnlyInline, apply_to_each
from core.causes import Cause
from pipelines.models import Card, Stage
from pipelines.services import move_card
from scoring.models import ScoreSource
from scoring.services import add_points
from workflows.selectors import explain_account

from . import selectors, services
from .imports import OPTIONAL, REQUIRED, ImportFileError, import_accounts
from .models import (
    Account,
    AccountEvent,
    AccountTag,
    Contact,
    HappinessChange,
    HealthStatus,
    HealthStatusChange,
    OptOut,
    Tag,
    TagEvent,
)


class AccountActionForm(ActionForm):
    """The extra inputs the account actions take, shown beside the action menu."""

    tag = forms.CharField(required=False, max_length=80, label="Tag")
    health_status = forms.ChoiceField(
        required=False, choices=[("", "health…"), *HealthStatus.choices], label="Health"
    )
    stage = forms.ModelChoiceField(
        required=False, queryset=Stage.objects.select_related("pipeline"), label="Stage"
    )
    points = forms.IntegerField(required=False, label="Points")
    note = forms.CharField(required=False, max_length=200, label="Reason")


class ContactInline(ReadOnlyInline):
    """Contacts change through ContactAdmin (and upsert_contact); here they are listed."""

    model = Contact
    fields = ["name", "email", "phone", "is_primary", "opt_outs"]
    readonly_fields = fields

    @admin.display(description="Opt-outs")
    def opt_outs(self, contact: Contact) -> str:
        return contact_opt_outs_label(contact)


class CardInline(ReadOnlyInline):
    model = Card
    fields = ["pipeline", "stage", "entered_stage_at"]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("pipeline", "stage__pipeline")


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


class ImportForm(forms.Form):
    file = forms.FileField(required=False, help_text="CSV, UTF-8, first line naming the columns.")
    # After a preview, the same file comes back with the confirmation.
    content = forms.CharField(required=False, widget=forms.HiddenInput)

    def csv_bytes(self) -> bytes:
        if self.cleaned_data.get("file"):
            return self.cleaned_data["file"].read()
        try:
            return base64.b64decode(self.cleaned_data.get("content") or "", validate=True)
        except ValueError:
            raise ImportFileError("The file to import was lost; upload it again.") from None


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    form = AccountForm
    action_form = AccountActionForm
    change_list_template = "admin/accounts/account/change_list.html"
    list_display = [
        "name",
        "external_id",
        "plan",
        "mrr",
        "owner",
        "health_status",
        "happiness",
        "score",
        "milestone",
        "lifecycle",
        "last_login_at",
    ]
    list_filter = [
        "lifecycle",
        "plan",
        "health_status",
        "happiness",
        "milestone",
        ("owner", admin.RelatedOnlyFieldListFilter),
        "tags",
    ]
    search_fields = ["name", "external_id", "contacts__email"]
    list_select_related = ["owner"]
    autocomplete_fields = ["owner"]
    show_full_result_count = False
    readonly_fields = [
        "score",
        "milestone",
        "health_status",
        "happiness",
        "lifecycle",
        "last_login_at",
        "history_links",
        "why",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "external_id", "owner", "timezone"]}),
        ("Subscription", {"fields": ["plan", "mrr", "currency", "signed_up_at", "lifecycle"]}),
        (
            "Health",
            {"fields": ["health_status", "happiness", "score", "milestone", "last_login_at"]},
        ),
        ("Why", {"fields": ["why", "history_links", "created_at", "updated_at"]}),
    ]
    inlines = [ContactInline, AccountTagInline, CardInline]
    actions = ["add_tag", "remove_tag", "set_health_status", "move_to_stage", "adjust_score"]

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="accounts_account_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a CSV, see what it would do, then import it (see accounts.imports)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        report = error = content = None
        if request.method == "POST" and form.is_valid():
            apply = "confirm" in request.POST
            try:
                raw = form.csv_bytes()
                report = import_accounts(content=raw, user=request.user, apply=apply)
            except ImportFileError as problem:
                error = str(problem)
            else:
                content = base64.b64encode(raw).decode()
                if apply:
                    self.message_user(request, f"Imported: {report.summary()}.")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import accounts from CSV",
            "form": form,
            "report": report,
            "error": error,
            "content": content,
            "columns": REQUIRED + OPTIONAL,
        }
        return TemplateResponse(request, "admin/accounts/account/import.html", context)

    @admin.display(description="What caused what")
    def why(self, account: Account) -> str:
        """Each current tag, stage and recent score entry with the user or run behind it."""
        if not account.pk:
            return "—"
        rows = []
        for item in explain_account(account):
            if item.run is not None:
                url = reverse("admin:workflows_run_change", args=[item.run.pk])
                source = format_html(
                    '<a href="{}">{} run #{}</a> on {}',
                    url,
                    item.run.workflow.name,
                    item.run.pk,
                    item.run.event.kind,
                )
            else:
                source = item.cause
            rows.append((item.kind, item.what, f"{item.when:%Y-%m-%d %H:%M}", source))
        if not rows:
            return "Nothing yet."
        return format_html(
            "<table><tr><th>kind</th><th>what</th><th>when</th><th>caused by</th></tr>{}</table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description="History")
    def history_links(self, account: Account) -> str:
        if not account.pk:
            return "—"
        links = [
            ("scoring_scoreentry", "Score ledger"),
            ("accounts_tagevent", "Tag history"),
            ("pipelines_stagemove", "Stage moves"),
            ("accounts_healthstatuschange", "Health changes"),
            ("accounts_accountevent", "Account events"),
            ("workflows_run", "Workflow runs"),
            ("workflows_triggerevent", "Trigger events"),
            ("notifications_message", "Messages"),
        ]
        return format_html_join(
            " · ",
            '<a href="{}?account__id__exact={}">{}</a>',
            ((reverse(f"admin:{name}_changelist"), account.pk, label) for name, label in links),
        )

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        fixed = list(self.readonly_fields)
        if obj is not None:
            fixed += ["external_id", "signed_up_at"]  # the SaaS product's facts
        if not request.user.has_perm("accounts.assign_owner"):
            fixed.append("owner")
        return fixed

    def save_model(self, request: HttpRequest, obj: Account, form, change: bool) -> None:
        """New accounts go through the sign-up service; plan changes through change_plan."""
        cause = Cause.by_user(request.user, "edited in the admin")
        if not change:
            account, _ = services.sign_up_account(
                external_id=obj.external_id,
                name=obj.name,
                plan=obj.plan,
                mrr=obj.mrr,
                signed_up_at=obj.signed_up_at,
                owner=obj.owner,
                cause=cause,
            )
            obj.pk = account.pk
            obj.created_at = account.created_at
            obj.save(update_fields=["currency", "timezone"])
            return
        if {"plan", "mrr"} & set(form.changed_data):
            services.change_plan(account=obj, plan=obj.plan, mrr=obj.mrr, cause=cause)
        details = [f for f in form.changed_data if f in services.EDITABLE_ACCOUNT_FIELDS]
        if details:
            services.update_account(
                account=obj, cause=cause, **{f: form.cleaned_data[f] for f in details}
            )

    def _field(self, request: HttpRequest, name: str):
        form = self.action_form(request.POST)
        form.fields["action"].choices = self.get_action_choices(request)
        form.is_valid()
        return form.cleaned_data.get(name)

    @admin.action(description="Add the tag to the selected accounts", permissions=["tag"])
    def add_tag(self, request: HttpRequest, queryset: QuerySet) -> None:
        tag = self._field(request, "tag")
        apply_to_each(
            self,
            request,
            queryset,
            lambda a, cause: services.add_tag(account=a, tag=tag or "", cause=cause),
            f"Tag {tag!r} added",
        )

    @admin.action(description="Remove the tag from the selected accounts", permissions=["tag"])
    def remove_tag(self, request: HttpRequest, queryset: QuerySet) -> None:
        tag = self._field(request, "tag")
        apply_to_each(
            self,
            request,
            queryset,
            lambda a, cause: services.remove_tag(account=a, tag=tag or "", cause=cause),
            f"Tag {tag!r} removed",
        )

    @admin.action(
        description="Set the health status of the selected accounts",
        permissions=["change_health_status"],
    )
    def set_health_status(self, request: HttpRequest, queryset: QuerySet) -> None:
        status = self._field(request, "health_status")
        apply_to_each(
            self,
            request,
            queryset,
            lambda a, cause: services.change_health_status(
                account=a, status=status or "", cause=cause, note=cause.reason
            ),
            "Health status set",
        )

    def has_tag_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perms(["accounts.add_accounttag", "accounts.delete_accounttag"])

    def has_move_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("pipelines.change_card")

    def has_change_health_status_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("accounts.change_health_status")

    @admin.action(description="Move the selected accounts to the stage", permissions=["move"])
    def move_to_stage(self, request: HttpRequest, queryset: QuerySet) -> None:
        stage = self._field(request, "stage")
        if stage is None:
            self.message_user(request, "Choose a stage first.", messages.ERROR)
            return
        apply_to_each(
            self,
            request,
            queryset,
            lambda a, cause: move_card(
                account=a, pipeline=stage.pipeline, stage=stage, cause=cause
            ),
            f"Moved to {stage}",
        )

    @admin.action(description="Add (or subtract) points", permissions=["adjust_score"])
    def adjust_score(self, request: HttpRequest, queryset: QuerySet) -> None:
        points = self._field(request, "points") or 0
        apply_to_each(
            self,
            request,
            queryset,
            lambda a, cause: (
                add_points(
                    account=a,
                    points=points,
                    reason=cause.reason,
                    source=ScoreSource.MANUAL,
                    cause=cause,
                ).entry
            ),
            f"{points:+d} points",
        )

    def has_adjust_score_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("scoring.add_scoreentry")


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
