"""`{% development_mail_in_use as in_use %}`: whether to link the Development mail page."""

from django import template

from .. import mail_folder

register = template.Library()


@register.simple_tag
def development_mail_in_use() -> bool:
    """True while e-mail or SMS is kept in the development mail folder (no query)."""
    return mail_folder.in_use()
