"""The widget's endpoints (cross-site, JSON; see widget_views for why no CSRF cookie)."""

from django.urls import path

from . import widget_views

app_name = "chat"

urlpatterns = [
    path("session/", widget_views.session, name="session"),
    path("messages/", widget_views.messages, name="messages"),
    path("read/", widget_views.read, name="read"),
]
