"""A simulation as plain text: what `manage.py simulate` prints, day by day."""

from zoneinfo import ZoneInfo

from .trace import Simulation


def as_text(result: Simulation, *, bodies: bool = True) -> str:
    """The day-by-day outcome, in the account's timezone; message texts with `bodies`."""
    zone = ZoneInfo(result.zone)
    verb = "Replayed" if result.mode == "replay" else "Simulated"
    lines = [
        f"{verb} {result.what} for {result.account_name} (#{result.account_id}), "
        f"{result.start.astimezone(zone):%Y-%m-%d %H:%M} – "
        f"{result.end.astimezone(zone):%Y-%m-%d %H:%M} {result.zone}. Nothing was kept or sent.",
        *result.notes,
    ]
    days = result.days()
    for day in days:
        lines += ["", f"{day.date:%A %d %B %Y}"]
        for entry in day.entries:
            lines.append(f"  {entry.at.astimezone(zone):%H:%M}  [{entry.kind}] {entry.title}")
            if entry.detail:
                lines.append(f"         {entry.detail}")
            for c in entry.conditions:
                mark = "✓" if c.get("passed") else "✗"
                subject = c.get("subject") or "tags"
                lines.append(
                    f"         {mark} {subject} {c.get('operator')} {c.get('value', '')}: "
                    f"saw {c.get('seen')!r}"
                )
            message = entry.message
            if message and bodies:
                lines.append(f"         To: {message.recipient}  ({message.status})")
                if message.subject:
                    lines.append(f"         Subject: {message.subject}")
                lines += [f"         | {line}" for line in message.body_text.splitlines()]
    if not days:
        lines += ["", "Nothing would happen for this account in this period."]
    sent = result.sent()
    lines += ["", f"{len(sent)} message(s) to the customer, in {result.seconds:.2f} s."]
    return "\n".join(lines) + "\n"
