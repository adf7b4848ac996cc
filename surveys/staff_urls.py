from django.urls import path

from . import builder_views, results_views

app_name = "surveys"

urlpatterns = [
    path("", builder_views.survey_list, name="list"),
    path("new/", builder_views.survey_edit, name="new"),
    path("<int:pk>/edit/", builder_views.survey_edit, name="edit"),
    path("<int:pk>/", results_views.survey_results, name="results"),
    path("<int:pk>/export.csv", results_views.survey_csv, name="csv"),
]
