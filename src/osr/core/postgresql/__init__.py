"""PostgreSQL as OSR uses it: Django's backend, with a kept connection checked cheaply."""
