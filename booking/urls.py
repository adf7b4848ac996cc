from django.urls import path

from . import availability_views, calendar_views, manage_views, public_views, staff_views

app_name = "booking"

urlpatterns = [
    # The customer's side (signed links, no login).
    path("c/book/<str:token>/", public_views.booking_page, name="page"),
    path("c/meeting/<str:token>/", manage_views.meeting, name="meeting"),
    path("c/meeting/<str:token>/reschedule/", manage_views.reschedule, name="reschedule"),
    path("c/meeting/<str:token>/cancel/", manage_views.cancel, name="cancel"),
    # The staff side.
    path("meetings/availability/", availability_views.my_availability, name="availability"),
    path(
        "meetings/availability/<int:user_id>/",
        availability_views.member_availability,
        name="member-availability",
    ),
    path("meetings/availability/range/", availability_views.hours_range, name="hours-range"),
    path("meetings/kinds/", availability_views.meeting_kinds, name="kinds"),
    path("meetings/team/", calendar_views.team_week, name="team-week"),
    path("meetings/<int:appointment_id>/outcome/", staff_views.mark_outcome, name="outcome"),
    path("meetings/account/<int:account_id>/book/", staff_views.book_for, name="book-for"),
]
