from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The SaaS product's way in: API tokens, the events API, reads, webhooks."""

    name = "api"
    verbose_name = "API and webhooks"
