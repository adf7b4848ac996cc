from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("export.csv", views.account_export, name="export"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/health/", views.account_health, name="health"),
    path("<int:pk>/form-links/", views.account_form_links, name="form-links"),
]
