"""The availability page's form: the week's hours, days off, buffer and meeting kinds.

The hours come as repeated `day-<weekday>-starts` / `day-<weekday>-ends` pairs (one pair
per stretch, as many as the page shows), so they are read from the raw data in `clean`
rather than as fixed fields; a pair left empty is no stretch. Nothing is saved unless the
whole form is valid.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django import forms

from accounts.models import timezone_names
from core import clock

from .availability import NewDayOff
from .models import Availability, MeetingKind, Weekday
from .slots import Hours

BUFFERS = [0, 5, 10, 15, 20, 30, 45, 60]


def _buffer_label(minutes: int) -> str:
    if minutes == 0:
        return "No buffer"
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


def _parse_time(value: str) -> time | None:
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        return None


def _day_ranges(data, weekday: int) -> list[tuple[str, str]]:
    starts = data.getlist(f"day-{weekday}-starts") if data else []
    ends = data.getlist(f"day-{weekday}-ends") if data else []
    width = max(len(starts), len(ends))
    starts, ends = starts + [""] * (width - len(starts)), ends + [""] * (width - len(ends))
    return [(a[:8], b[:8]) for a, b in zip(starts, ends, strict=True)][:12]


def check_day(ranges: list[tuple[str, str]]) -> tuple[list[tuple[time, time]], str]:
    """A day's stretches, sorted, or an error: each needs both times, ends after it
    starts, and overlaps no other stretch of the day."""
    stretches = []
    for raw_start, raw_end in ranges:
        if not raw_start.strip() and not raw_end.strip():
            continue
        starts, ends = _parse_time(raw_start), _parse_time(raw_end)
        if starts is None or ends is None:
            return [], "Give each time range a start and an end, like 09:00 and 12:00."
        if ends <= starts:
            return (
                [],
                f"{ends:%H:%M} is not after {starts:%H:%M}: a range must end after it starts.",
            )
        stretches.append((starts, ends))
    stretches.sort()
    for (a_start, a_end), (b_start, b_end) in itertools.pairwise(stretches):
        if b_start < a_end:
            return [], (
                f"{a_start:%H:%M}–{a_end:%H:%M} and {b_start:%H:%M}–{b_end:%H:%M} overlap: "
                "join them or move one."
            )
    return stretches, ""


class AvailabilityForm(forms.Form):
    timezone = forms.ChoiceField(
        label="Your timezone", help_text="Your weekly hours and days off are in this timezone."
    )
    is_bookable = forms.BooleanField(
        label="Customers can book meetings with me",
        required=False,
        help_text="Off: booking pages show no free times (meetings already booked stay).",
    )
    buffer_minutes = forms.TypedChoiceField(
        label="Buffer after each meeting",
        coerce=int,
        help_text="Kept free after a meeting, so the next one cannot start straight away.",
    )
    meeting_kinds = forms.ModelMultipleChoiceField(
        label="Meetings I take",
        queryset=MeetingKind.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    off_first = forms.DateField(label="First day off", required=False)
    off_last = forms.DateField(
        label="Last day off", required=False, help_text="Empty: a single day."
    )
    off_note = forms.CharField(label="Note", required=False, max_length=200)
    remove_days_off = forms.MultipleChoiceField(required=False)

    def __init__(
        self,
        data=None,
        *,
        availability: Availability | None,
        kinds: list[MeetingKind],
        default_timezone: str,
        days_off: list,
    ) -> None:
        zone = availability.timezone if availability else default_timezone
        buffer = availability.buffer_minutes if availability else 10
        initial = {
            "timezone": zone,
            "buffer_minutes": buffer,
            "is_bookable": availability.is_bookable if availability else True,
            # A first visit offers every kind ticked; later, the ones taken.
            "meeting_kinds": [k.pk for k in kinds if k.taken or availability is None],
        }
        super().__init__(data, initial=initial)
        self.fields["timezone"].choices = [(name, name) for name in timezone_names()]
        buffers = sorted({*BUFFERS, buffer})
        self.fields["buffer_minutes"].choices = [(m, _buffer_label(m)) for m in buffers]
        self.fields["meeting_kinds"].queryset = MeetingKind.objects.filter(is_active=True)
        self.fields["meeting_kinds"].choices = [(k.pk, str(k)) for k in kinds]
        self.fields["remove_days_off"].choices = [(str(d.pk), str(d)) for d in days_off]
        self.saved_hours = list(availability.hours.all()) if availability else []
        self.hours: list[Hours] = []
        self.week = self._week()

    def _week(self) -> list[dict]:
        """Each weekday's ranges as the page shows them: what was sent, else what is saved
        (with one empty pair to add a range without JavaScript)."""
        week = []
        for weekday, label in Weekday.choices:
            if self.is_bound:
                ranges = _day_ranges(self.data, weekday)
            else:
                ranges = [
                    (f"{h.starts:%H:%M}", f"{h.ends:%H:%M}")
                    for h in self.saved_hours
                    if h.weekday == weekday
                ]
            week.append({"weekday": weekday, "label": label, "ranges": ranges, "error": ""})
        return week

    def clean(self) -> dict:
        cleaned = super().clean()
        for day in self.week:
            stretches, error = check_day(day["ranges"])
            day["error"] = error
            self.hours += [Hours(day["weekday"], a, b) for a, b in stretches]
        if any(day["error"] for day in self.week):
            self.add_error(None, "Check the weekly hours.")
        self._clean_day_off(cleaned)
        return cleaned

    def _clean_day_off(self, cleaned: dict) -> None:
        first, last = cleaned.get("off_first"), cleaned.get("off_last")
        if first is None:
            if last is not None:
                self.add_error("off_first", "Give the first day off too.")
            return
        last = last or first
        if first < self._today(cleaned.get("timezone")):
            self.add_error("off_first", "A day off must be today or later.")
        elif last < first:
            self.add_error("off_last", "The last day off cannot come before the first.")
        cleaned["new_day_off"] = NewDayOff(first, last, cleaned.get("off_note", ""))

    def _today(self, zone: str | None) -> date:
        tz = ZoneInfo(zone or self.initial["timezone"])
        return datetime.fromtimestamp(clock.now().timestamp(), tz).date()
