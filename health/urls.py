from django.urls import path

from . import views

app_name = "health"

urlpatterns = [
    path("models/", views.model_list, name="models"),
    path("models/new/", views.model_edit, name="model-new"),
    path("models/<int:pk>/", views.model_edit, name="model"),
    path("accounts/<int:pk>/accept/", views.accept, name="accept"),
    path("accounts/<int:pk>/override/", views.override, name="override"),
]
