"""Segment's paths, at the root as Segment's libraries expect (`host=` + /v1/batch)."""

from django.urls import re_path

from .views import segment_call

urlpatterns = [
    re_path(
        r"^v1/(?P<method>batch|identify|track|group|page|screen|webhook)$",
        segment_call,
        name="segment",
    ),
]
