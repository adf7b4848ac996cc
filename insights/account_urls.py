"""/accounts/: the accounts app's own pages plus the account page, under one name.

The account page combines apps, so its view lives here, but it keeps the name
`accounts:detail` that links, messages and templates use everywhere.
"""

from django.urls import path

from accounts import urls as accounts_urls

from . import views

app_name = "accounts"

urlpatterns = [
    *accounts_urls.urlpatterns,
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/form-links/", views.account_form_links, name="form-links"),
]
