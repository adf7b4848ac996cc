from django.urls import path

from . import views

app_name = "boards"

urlpatterns = [
    path("", views.board_index, name="index"),
    path("<slug:key>/", views.board_detail, name="board"),
    path("<slug:key>/stages/<int:stage_id>/", views.stage_cards, name="stage"),
    path("<slug:key>/move/", views.move, name="move"),
]
