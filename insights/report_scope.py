"""What a report covers: a date range, and optionally one owner's book, one plan and one
saved segment.

The same scope restricts a report's numbers and the drill-down list behind
each number, so the two cannot disagree. Dates are the team's
(settings.TIME_ZONE): "from 1 May to 31 May" means local midnight to local
midnight, both days included.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from accounts.filters import (
    SegmentInvalid,
    check_saved_filters,
    saved_filter_members,
    visible_segments,
)
from accounts.models import Plan, Segment
from accounts.people import PersonChoiceField, person_label, staff_people

PRESETS = {"30d": "Last 30 days", "90d": "Last 90 days", "12m": "Last 12 months"}
CUSTOM = "custom"
DEFAULT_RANGE = "12m"
MAX_CUSTOM_DAYS = 3 * 366  # a custom range's monthly reports stay a readable length


def team_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_start(moment: datetime) -> datetime:
    """The first instant of `moment`'s month in the team's timezone."""
    local = moment.astimezone(team_zone())
    return datetime(local.year, local.month, 1, tzinfo=team_zone())


def next_month(start: datetime) -> datetime:
    index = start.year * 12 + start.month  # the month after, zero-based
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=team_zone())


def month_label(start: datetime) -> str:
    """ "Sep 2025": how a person names a month (and how the table and drill-down say it)."""
    return start.strftime("%b %Y")


def month_key(start: datetime) -> str:
    """ "2025-09": a month in a link."""
    return start.strftime("%Y-%m")


@dataclass(frozen=True)
class ReportScope:
    """[start, end) in time, and whose accounts (None: everybody's) on which plan ("": any),
    within which saved segment (None: all accounts)."""

    start: datetime
    end: datetime
    range_key: str
    owner: AbstractBaseUser | None = None
    plan: str = ""
    segment: Segment | None = None
    custom_from: date | None = None
    custom_to: date | None = None

    def restrict(self, rows: QuerySet, date_field: str, account: str = "account") -> QuerySet:
        """`rows` whose `date_field` falls in the range, of accounts in the owner, plan and
        segment (its members now: a segment is live, as on the account list)."""
        rows = rows.filter(**{f"{date_field}__gte": self.start, f"{date_field}__lt": self.end})
        if self.owner is not None:
            rows = rows.filter(**{f"{account}__owner": self.owner})
        if self.plan:
            rows = rows.filter(**{f"{account}__plan": self.plan})
        if self.segment is not None:
            members = saved_filter_members(self.segment.filters).values("pk")
            rows = rows.filter(**{f"{account}__in": members})
        return rows

    def months(self) -> list[datetime]:
        """The team months the range touches, oldest first (the first and last may be partial)."""
        months, month = [], month_start(self.start)
        while month < self.end:
            months.append(month)
            month = next_month(month)
        return months

    def query(self) -> dict[str, str]:
        """The scope as link parameters, so a drill-down and "back" keep it."""
        params = {"range": self.range_key}
        if self.range_key == CUSTOM:
            params["from"] = self.custom_from.isoformat()
            params["to"] = self.custom_to.isoformat()
        if self.owner is not None:
            params["owner"] = str(self.owner.pk)
        if self.plan:
            params["plan"] = self.plan
        if self.segment is not None:
            params["segment"] = str(self.segment.pk)
        return params

    def describe(self) -> str:
        """ "Last 90 days · Carl Success's accounts · Pro plan", as the page headings say it."""
        if self.range_key == CUSTOM:
            parts = [
                f"{self.custom_from:%-d %b %Y} – {self.custom_to:%-d %b %Y}",
            ]
        else:
            parts = [PRESETS[self.range_key]]
        parts.append(f"{person_label(self.owner)}’s accounts" if self.owner else "All owners")
        parts.append(f"{Plan(self.plan).label} plan" if self.plan else "All plans")
        if self.segment is not None:
            parts.append(f"Segment “{self.segment.name}”")
        return " · ".join(parts)


class ReportScopeForm(forms.Form):
    """The reports' filter bar. A bad date, an unknown owner or a segment the user may not see
    (or that no longer applies) is a message, never a 500."""

    range = forms.ChoiceField(
        choices=[*PRESETS.items(), (CUSTOM, "Custom dates")], required=False, label="Period"
    )
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    owner = PersonChoiceField(
        queryset=staff_people(), required=False, label="Owner", empty_label="Any owner"
    )
    plan = forms.ChoiceField(
        choices=[("", "Any plan"), *Plan.choices], required=False, label="Plan"
    )
    segment = forms.ModelChoiceField(
        queryset=Segment.objects.none(), required=False, label="Segment", empty_label="Any segment"
    )

    def __init__(self, data=None, *, user=None, **kwargs) -> None:
        # The dates travel as ?from= and ?to= (readable links); the fields' names avoid
        # `from`, a Python keyword.
        if data is not None:
            data = data.copy()
            for outside, inside in (("from", "date_from"), ("to", "date_to")):
                if outside in data:
                    values = data.getlist(outside) if hasattr(data, "getlist") else [data[outside]]
                    del data[outside]
                    data[inside] = values[-1]
            if not data.get("range"):
                data["range"] = DEFAULT_RANGE
        super().__init__(data, **kwargs)
        # The segments the user may use (shared, or their own), as on the account list.
        self.fields["segment"].queryset = visible_segments(user)
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if select else "form-control form-control-sm"
            )

    def clean_segment(self) -> Segment | None:
        segment = self.cleaned_data.get("segment")
        if segment is not None:
            try:
                check_saved_filters(segment.filters)
            except SegmentInvalid as refusal:
                raise forms.ValidationError(
                    f"“{segment.name}” no longer applies: {refusal.message}"
                ) from None
        return segment

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("range") != CUSTOM or self.errors:
            return cleaned
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start is None or end is None:
            raise forms.ValidationError("Custom dates need both a From and a To date.")
        if end < start:
            raise forms.ValidationError("The To date is before the From date.")
        if (end - start).days + 1 > MAX_CUSTOM_DAYS:
            raise forms.ValidationError("Pick at most three years.")
        return cleaned

    def scope(self, now: datetime) -> ReportScope:
        """The valid form's scope, with the range ending `now` (custom: at its To date)."""
        data = self.cleaned_data
        chosen = data["range"]
        common = {
            "range_key": chosen,
            "owner": data.get("owner"),
            "plan": data.get("plan", ""),
            "segment": data.get("segment"),
        }
        if chosen == CUSTOM:
            zone = team_zone()
            start = datetime.combine(data["date_from"], time.min, tzinfo=zone)
            end = datetime.combine(data["date_to"] + timedelta(days=1), time.min, tzinfo=zone)
            return ReportScope(
                start=start,
                end=end,
                custom_from=data["date_from"],
                custom_to=data["date_to"],
                **common,
            )
        if chosen == "12m":
            # Twelve whole team months, the current one included.
            start = month_start(now)
            for _ in range(11):
                start = month_start(start - timedelta(days=1))
        else:
            start = now - timedelta(days=int(chosen[:-1]))
        # `now` itself belongs in the range (a fact recorded this instant counts).
        return ReportScope(start=start, end=now + timedelta(microseconds=1), **common)


def scope_from(params, now: datetime, user=None) -> tuple[ReportScope | None, ReportScopeForm]:
    """The scope the request's parameters ask for (None when they are not valid) and its form;
    `user` decides which segments may narrow it."""
    form = ReportScopeForm(params, user=user)
    if not form.is_valid():
        return None, form
    return form.scope(now), form
