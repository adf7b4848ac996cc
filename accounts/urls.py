"""The accounts app's own pages; insights.account_urls adds the account page beside them."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.account_list, name="list"),
    path("export.csv", views.account_export, name="export"),
    path("<int:pk>/health/", views.account_health, name="health"),
]
