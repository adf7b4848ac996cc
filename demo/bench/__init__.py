"""The pieces of `manage.py bench`: how a part is measured, and the ingestion workload."""
