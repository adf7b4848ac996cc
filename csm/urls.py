from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

admin.site.site_header = "OpenCSM administration"
admin.site.site_title = "OpenCSM"
admin.site.index_title = "Configuration and records"


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every page; send them to the static file."""
    return redirect(static("favicon.ico"), permanent=True)


urlpatterns = [
    path("favicon.ico", favicon),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("m/", include("notifications.urls")),
    path("c/", include("portal.urls")),
    # Booking: the customer's pages (c/book/…, c/meeting/…) and the staff's (meetings/…).
    path("", include("booking.urls")),
    path("s/", include("surveys.answer_urls")),
    path("chat/api/", include("conversations.widget_urls")),
    path("api/", include("api.urls")),
    # Segment's tracking API paths (api.segment): /v1/batch, /v1/track …
    path("", include("api.segment.urls")),
    # The staff site: My day, the account page and reports (insights), then each app's pages.
    path("", include("insights.urls")),
    path("boards/", include("pipelines.urls")),
    path("tasks/", include("activity.urls")),
    path("inbox/", include("notifications.inbox_urls")),
    path("dev-mail/", include("notifications.devmail_urls")),
    path("workflows/", include("workflows.urls")),
    path("queue/", include("workqueue.urls")),
    path("health/", include("health.urls")),
    path("surveys/", include("surveys.staff_urls")),
    path("conversations/", include("conversations.urls")),
]
