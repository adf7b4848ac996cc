"""The account's admin page: its record with contacts, tags, cards and what caused them.

It combines apps (pipeline cards, score points, workflow explanations), so it
lives in insights; each change still goes through its own app's service.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts import services
from accounts.admin import AccountForm, AccountTagInline, ContactInline
from accounts.models import Account, HealthStatus, Subscription
from core.admin import ReadOnlyInline, apply_to_each
from core.causes import Cause
from core.money import format_money
from pipelines.models import Card, Stage
from pipelines.services import move_card_by_hand
from scoring.models import ScoreSource
from scoring.services import add_points
from workflows.selectors import explain_account


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


class CardInline(ReadOnlyInline):
    model = Card
    fields = ["pipeline", "stage", "entered_stage_at"]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("pipeline", "stage__pipeline")


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    form = AccountForm
    action_form = AccountActionForm
    change_list_template = "admin/accounts/account/change_list.html"
    list_display = [
        "name",
        "external_id",
        "plan",
        "mrr_display",
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

    @admin.display(description="MRR", ordering="mrr")
    def mrr_display(self, obj: Account) -> str:
        return format_money(obj.mrr, obj.currency)

    readonly_fields = [
        "score",
        "milestone",
        "health_status",
        "happiness",
        "lifecycle",
        "renewal_date",
        "subscriptions",
        "last_login_at",
        "history_links",
        "why",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "external_id", "owner", "timezone"]}),
        (
            "Subscription",
            {
                "fields": [
                    "plan",
                    "mrr",
                    "currency",
                    "signed_up_at",
                    "lifecycle",
                    "renewal_date",
                    "subscriptions",
                ]
            },
        ),
        (
            "Health",
            {"fields": ["health_status", "happiness", "score", "milestone", "last_login_at"]},
        ),
        ("Why", {"fields": ["why", "history_links", "created_at", "updated_at"]}),
    ]
    inlines = [ContactInline, AccountTagInline, CardInline]
    actions = ["add_tag", "remove_tag", "set_health_status", "move_to_stage", "adjust_score"]

    @admin.display(description="Billing subscriptions")
    def subscriptions(self, account: Account) -> str:
        """The provider's subscriptions as last reported: they decide lifecycle, MRR and renewal.

        Shown as text, not an inline: only the Stripe webhook writes them.
        """
        rows = Subscription.objects.filter(account_id=account.pk) if account.pk else []
        return (
            format_html_join(
                format_html("<br>"),
                "{} · {} · {} · MRR {} {} · period ends {}",
                (
                    (
                        row.external_id,
                        row.get_status_display(),
                        row.get_plan_display() or "no plan mapped",
                        row.mrr,
                        row.currency,
                        row.current_period_end or "—",
                    )
                    for row in rows
                ),
            )
            or "—"
        )

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
            lambda a, cause: move_card_by_hand(
                account=a,
                pipeline=stage.pipeline,
                stage=stage,
                user=request.user,
                cause=cause,
                note=cause.reason,
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
