from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (`seed_demo`) and the benchmark (`bench`): entry points above every app."""

    name = "demo"
    verbose_name = "Demo data and benchmark"
