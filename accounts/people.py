"""Staff people as lists and filters show them: by full name, never by username."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet


def staff_people() -> QuerySet:
    """Staff users in the order a person scans a list of names."""
    return (
        get_user_model()
        .objects.filter(is_staff=True)
        .order_by("first_name", "last_name", "username")
    )


def person_label(user) -> str:
    """A user's full name, or the username only when no name was given."""
    return user.get_full_name() or user.username


class PersonChoiceField(forms.ModelChoiceField):
    """A select of people labelled like the tables that show them."""

    def label_from_instance(self, obj) -> str:
        return person_label(obj)


class PersonFilter(django_filters.ModelChoiceFilter):
    """django-filter's model choice, labelled by full name."""

    field_class = PersonChoiceField


class AnyYesNo(forms.Select):
    """A yes/no filter whose empty choice reads "Any" (django-filter says "Unknown")."""

    def __init__(self, attrs=None, any_label: str = "Any"):
        super().__init__(attrs, choices=[("", any_label), ("true", "Yes"), ("false", "No")])

    def format_value(self, value):
        return {True: ["true"], False: ["false"], "true": ["true"], "false": ["false"]}.get(
            value, [""]
        )
