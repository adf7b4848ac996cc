"""Publishing health models: every save is a new, immutable version."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from accounts.filters import SegmentInvalid, check_saved_filters
from accounts.models import Plan, Segment
from core import clock
from core.causes import Cause

from ..definition import validate_definition
from ..models import HealthModel, HealthModelVersion

UNCHANGED = object()  # publish_model's `segment` when the caller does not set it


@transaction.atomic
def publish_model(
    *,
    name: str,
    definition: dict,
    cause: Cause,
    model: HealthModel | None = None,
    plans: list[str] | None = None,
    description: str = "",
    is_default: bool = False,
    segment: Segment | object | None = UNCHANGED,
) -> HealthModelVersion:
    """Create a model, or give `model` a new version with `definition`.

    Refuses (ValidationError, nothing saved) a definition that does not validate,
    a plan that does not exist or is already scored by another model. Snapshots
    scored with earlier versions keep theirs. Returns the new version; an unchanged
    definition, name and plans publish nothing and return the current version.
    `segment` binds the model to a saved segment (None unbinds it; leave it out to keep
    it): its members are scored by this model before any plan's (health.scoring.ModelPicker);
    a segment whose filters no longer apply is refused.
    """
    validate_definition(definition)
    if isinstance(segment, Segment):
        try:
            check_saved_filters(segment.filters)
        except SegmentInvalid as refusal:
            raise ValidationError(
                f"The segment “{segment.name}” no longer applies: {refusal.message}"
            ) from None
    plans = sorted(set(plans or []))
    unknown = [plan for plan in plans if plan not in Plan.values]
    if unknown:
        raise ValidationError(
            f"Unknown plan {unknown[0]!r}; expected one of {', '.join(Plan.values)}."
        )
    if not name.strip():
        raise ValidationError("A model needs a name.")
    now = clock.now()
    if model is None:
        if HealthModel.objects.filter(name=name).exists():
            raise ValidationError(f"A model called {name!r} exists already.")
        model = HealthModel.objects.create(
            name=name,
            segment=segment if isinstance(segment, Segment) else None,
            description=description,
            plans=plans,
            is_default=is_default,
            created_at=now,
            **cause.as_fields(),
        )
    else:
        model = HealthModel.objects.select_for_update().get(pk=model.pk)
        current = model.current_version
        if (
            current is not None
            and current.definition == definition
            and model.name == name
            and model.plans == plans
            and (segment is UNCHANGED or segment == model.segment)
        ):
            return current
    taken = HealthModel.objects.exclude(pk=model.pk).filter(current_version__isnull=False)
    for other in taken:
        clash = set(other.plans) & set(plans)
        if clash:
            raise ValidationError(f"The plan {sorted(clash)[0]} is already scored by {other.name}.")
    if HealthModel.objects.exclude(pk=model.pk).filter(name=name).exists():
        raise ValidationError(f"A model called {name!r} exists already.")
    number = (model.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = HealthModelVersion.objects.create(
        model=model, number=number, definition=definition, created_at=now, **cause.as_fields()
    )
    bind = {} if segment is UNCHANGED else {"segment": segment}
    HealthModel.objects.filter(pk=model.pk).update(
        **bind,
        current_version=version,
        name=name,
        plans=plans,
        description=description or model.description,
    )
    model.refresh_from_db()
    return version
