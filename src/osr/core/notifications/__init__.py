"""Notifications: the outbox every message goes through, its channels and its schedule.

A change writes its notifications as outbox rows in its own transaction, so a
change rolled back tells nobody. The task worker delivers them, by email
(GOV.UK Notify or SMTP) and to a delivery group's Microsoft Teams channel,
retrying with backoff until the endpoint answers, and marks each row sent
once, so that a message is neither lost nor sent twice.
"""
