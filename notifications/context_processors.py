"""The navbar's unread-alert count, on every staff page (one query)."""

from django.http import HttpRequest

from .models import Alert


def inbox(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_alerts": Alert.objects.filter(user=user, read_at=None).count()}
