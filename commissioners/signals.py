"""Signing in keeps what the visitor shortlisted before (commissioners.shortlists)."""

from django.contrib.auth.signals import user_logged_in

from .shortlists import merge_session_into_default


def connect():
    user_logged_in.connect(_on_logged_in, dispatch_uid="commissioners_merge_shortlist")


def _on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        merge_session_into_default(request, user)
