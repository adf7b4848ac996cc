"""Conversation events, announced after commit through core.handover (so workflows record them).

Every signal carries `account_id`, `cause` and `conversation_id`; the others are listed.
"""

from django.dispatch import Signal

conversation_started = Signal()  # contact_id
customer_message_received = Signal()  # message_id
# level: "owner" (N business hours without a staff reply) or "manager" (the escalation);
# message_id: the first customer message still waiting.
first_response_overdue = Signal()
