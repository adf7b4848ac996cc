"""Test helper: publish a workflow's draft the way a manager does, through its review page."""

from django.test import Client
from django.urls import reverse

from workflows.models import Workflow


def publish_reviewed_draft(client: Client, workflow: Workflow):
    """Open the review page, then press Publish with the fingerprint it shows; the
    followed response (the editor, or the review page with the refusal)."""
    review = client.get(reverse("workflows:review", args=[workflow.pk]))
    return client.post(
        reverse("workflows:publish", args=[workflow.pk]),
        {"fingerprint": review.context.get("fingerprint", "")},
        follow=True,
    )
