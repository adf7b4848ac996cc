"""The trigger registry (registry.py) and each domain's key and data builders."""

from .kind import TriggerKind
from .registry import BY_KEY, BY_SIGNAL, CHOICES, TRIGGERS

__all__ = ["BY_KEY", "BY_SIGNAL", "CHOICES", "TRIGGERS", "TriggerKind"]
