"""django-q2 entry points: thin, safe to run twice (the constraints decide)."""

from . import detectors


def run_detectors() -> dict[str, int]:
    """The hourly sweep: wake ended snoozes, raise every default detector's signals."""
    return detectors.run_all()
