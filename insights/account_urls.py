"""/accounts/: the accounts app's own pages plus the account page, under one name.

The account page combines apps, so its view lives here, but it keeps the name
`accounts:detail` that links, messages and templates use everywhere.
"""

from django.urls import path

from accounts import urls as accounts_urls

from . import account_actions as actions
from . import views

app_name = "accounts"

urlpatterns = [
    *accounts_urls.urlpatterns,
    path("<int:pk>/", views.account_detail, name="detail"),
    path("tag-options/", views.tag_options, name="tag-options"),
    path("<int:pk>/form-links/", views.account_form_links, name="form-links"),
    path("<int:pk>/timeline/", views.account_timeline, name="timeline"),
    path("<int:pk>/ledger/", views.account_ledger, name="ledger"),
    path("<int:pk>/owner/", actions.change_owner, name="owner"),
    path("<int:pk>/tags/", actions.tag_add, name="tag-add"),
    path("<int:pk>/tags/<int:tag_id>/remove/", actions.tag_remove, name="tag-remove"),
    path("<int:pk>/stage/", actions.stage_move, name="stage"),
    path("<int:pk>/contacts/", actions.contact_add, name="contact-add"),
    path("<int:pk>/contacts/<int:contact_id>/", actions.contact_edit, name="contact-edit"),
    path(
        "<int:pk>/contacts/<int:contact_id>/primary/",
        actions.contact_primary,
        name="contact-primary",
    ),
    path("<int:pk>/tasks/", actions.task_add, name="task-add"),
    path("<int:pk>/playbook/", actions.playbook_start, name="playbook-start"),
]
