from django.urls import path

from . import chat_views, views

app_name = "portal"

urlpatterns = [
    path("feedback/<str:token>/", views.feedback, name="feedback"),
    path("request/<str:token>/", views.task_request, name="request"),
    path("request/<str:token>/sent/<int:task_id>/", views.request_sent, name="request_sent"),
    path("thanks/<slug:kind>/", views.thanks, name="thanks"),
    path("chat/<str:token>/", chat_views.chat, name="chat"),
]
