"""My day, the account page and the reports (the rest of the staff site is each app's own)."""

from django.urls import include, path

from . import my_day_views, search_views

urlpatterns = [
    path("", my_day_views.home, name="home"),
    path("my-day/tasks/<int:pk>/done/", my_day_views.task_done, name="my-day-task-done"),
    path("search/", search_views.search, name="search"),
    path("accounts/", include("insights.account_urls")),
    path("reports/", include("insights.report_urls")),
]
