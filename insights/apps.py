from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """Pages that combine apps (My day, the account page, reports, the timeline).

    They sit above the domain apps and the engine: they read across them and
    write only through their services, so no domain app imports them.
    """

    name = "insights"
    verbose_name = "Insights"
