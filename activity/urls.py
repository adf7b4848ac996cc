from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("new/", views.task_create, name="new"),
    path("accounts/", views.account_options, name="account-options"),
    path("<int:pk>/done/", views.task_done, name="done"),
    path("<int:pk>/update/", views.task_update, name="update"),
]
