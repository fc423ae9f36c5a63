"""The pure core of the fake: services, keys, templates, recipients, notifications and the store.

Nothing here imports pytest, werkzeug or jwt; time and ids come in through :mod:`.clock`.
"""
