"""Segment-compatible ingestion (also RudderStack's and Jitsu's, which speak the same spec).

requests.py reads a call's write key, gzip body and size limits; messages.py
reads each message into an event (skew-corrected time, the admin's mapping);
schemas.py and batches.py add the event types only Segment sends; views.py is
the endpoint, which hands everything to the events API's batch path.
"""
