from django.urls import path

from . import respond_views

app_name = "survey_answers"

urlpatterns = [
    path("<str:token>/", respond_views.respond, name="respond"),
    path("<str:token>/thanks/", respond_views.thanks, name="thanks"),
]
