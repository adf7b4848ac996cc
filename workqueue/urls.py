from django.urls import path

from . import email_views, views

app_name = "workqueue"
urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("report.csv", views.team_report_csv, name="report_csv"),
    path("accounts/<int:pk>/touches/", views.touch_create, name="touch"),
    path("signals/<int:pk>/snooze/", views.signal_snooze, name="snooze"),
    path("signals/<int:pk>/close/", views.signal_close, name="close"),
    path("signals/<int:pk>/reassign/", views.signal_reassign, name="reassign"),
    path("signals/<int:pk>/task/", views.signal_task, name="task"),
    path("signals/<int:pk>/email/", email_views.email_preview, name="email"),
    path("signals/<int:pk>/email/send/", email_views.email_send, name="email_send"),
]
