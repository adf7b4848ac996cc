from django.urls import path

from . import reports

app_name = "reports"

urlpatterns = [
    path("", reports.index, name="index"),
    path("<slug:key>.csv", reports.report_csv, name="csv"),
]
