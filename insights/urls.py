"""My day, the account page and the reports (the rest of the staff site is each app's own)."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("insights.account_urls")),
    path("reports/", include("insights.report_urls")),
]
