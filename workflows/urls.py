from django.urls import path

from . import backlog_views, draft_views, enrollment_views, simulation_views, views

app_name = "workflows"

urlpatterns = [
    path("", views.workflow_list, name="list"),
    path("<int:pk>/", views.workflow_edit, name="edit"),
    path("<int:pk>/switch/", views.workflow_switch, name="switch"),
    path("<int:pk>/review/", draft_views.review, name="review"),
    path("<int:pk>/publish/", draft_views.publish, name="publish"),
    path("<int:pk>/discard/", draft_views.discard, name="discard"),
    path("<int:pk>/versions/", draft_views.versions, name="versions"),
    path("triggers/help/", views.trigger_help, name="trigger_help"),
    path("runs/", views.run_list, name="runs"),
    path("simulate/", simulation_views.simulate_view, name="simulate"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/retry/", views.run_retry, name="retry"),
    path(
        "enroll/segment/<int:pk>/",
        enrollment_views.enroll_segment_view,
        name="enroll-segment",
    ),
    path("backlogs/<int:pk>/choose/", backlog_views.backlog_choose, name="backlog_choose"),
]
