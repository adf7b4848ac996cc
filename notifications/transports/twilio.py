"""SMS through Twilio's REST API (when TWILIO_* settings are set)."""

import base64
import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from ..models import Message
from .base import Transport, TransportError

API = "https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"
TIMEOUT_SECONDS = 15


class TwilioSmsTransport(Transport):
    def send(self, message: Message) -> str:
        sid, token = settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN
        if not (sid and token and settings.TWILIO_FROM_NUMBER):
            raise TransportError("Twilio credentials are not configured.", permanent=True)
        request = urllib.request.Request(
            API.format(sid=sid),
            data=urllib.parse.urlencode(
                {
                    "To": message.recipient,
                    "From": settings.TWILIO_FROM_NUMBER,
                    "Body": message.body_text,
                }
            ).encode(),
            headers={
                "Authorization": "Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return json.load(response)["sid"]
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")[:500]
            # 4xx means Twilio refused this message (bad number, …); 429 and 5xx pass.
            permanent = 400 <= error.code < 500 and error.code != 429
            raise TransportError(f"Twilio {error.code}: {detail}", permanent=permanent) from error
        except (urllib.error.URLError, OSError, KeyError, ValueError) as error:
            raise TransportError(f"Twilio unreachable: {error}") from error
