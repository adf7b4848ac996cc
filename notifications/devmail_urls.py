from django.urls import path

from . import devmail_views

app_name = "devmail"

urlpatterns = [
    path("", devmail_views.development_mail, name="list"),
    path("<str:name>/", devmail_views.development_message, name="message"),
]
