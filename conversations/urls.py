from django.urls import path

from . import views

app_name = "conversations"

urlpatterns = [
    path("", views.conversation_list_view, name="list"),
    path("unread/", views.unread_badge, name="unread"),
    path("<int:pk>/", views.thread, name="thread"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
]
