from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("boards/", include("pipelines.urls")),
    path("tasks/", include("activity.urls")),
    path("inbox/", include("notifications.inbox_urls")),
    path("dev-mail/", include("notifications.devmail_urls")),
    path("workflows/", include("workflows.urls")),
    path("reports/", include("core.report_urls")),
]
