from django.urls import path

from . import report_views

app_name = "reports"

urlpatterns = [
    path("", report_views.index, name="index"),
    path("<slug:key>.csv", report_views.report_csv, name="csv"),
    path("rows/<slug:measure>/", report_views.report_rows, name="rows"),
]
