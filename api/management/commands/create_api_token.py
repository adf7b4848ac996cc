"""`manage.py create_api_token NAME`: a new API token, printed once."""

from django.core.management.base import BaseCommand, CommandParser

from api.tokens import create_token


class Command(BaseCommand):
    help = "Create an API token and print its secret (shown only this once; store it safely)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="Who uses it, e.g. 'Production app'.")

    def handle(self, *args, name: str, **options) -> None:
        _, key = create_token(name=name)
        self.stdout.write(key)
