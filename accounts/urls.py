"""The accounts app's own pages; insights.account_urls adds the account page beside them."""

from django.urls import path

from . import segment_views, views

urlpatterns = [
    path("", views.account_list, name="list"),
    path("export.csv", views.account_export, name="export"),
    path("<int:pk>/health/", views.account_health, name="health"),
    path("segments/", segment_views.segment_list, name="segments"),
    path("segments/save/", segment_views.segment_save, name="segment-save"),
    path("segments/<int:pk>/delete/", segment_views.segment_delete, name="segment-delete"),
]
