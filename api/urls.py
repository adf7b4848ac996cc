from django.urls import path

from .stripe import stripe_webhook
from .views import api

urlpatterns = [
    path("v1/", api.urls),
    path("webhooks/stripe", stripe_webhook, name="stripe-webhook"),
]
