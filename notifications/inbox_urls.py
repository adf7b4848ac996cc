from django.urls import path

from . import inbox_views

app_name = "inbox"

urlpatterns = [
    path("", inbox_views.inbox, name="list"),
    path("settings/", inbox_views.alert_settings, name="settings"),
    path("read-all/", inbox_views.mark_all_read, name="read-all"),
    path("<int:pk>/read/", inbox_views.mark_read, name="read"),
]
