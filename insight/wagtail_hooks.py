"""Insight listens to the directory (``directory.shown``) and to cached pages' hits."""

from wagtail import hooks

from directory.shown import PROFILE_SHOWN, SEARCH_SHOWN

from . import recording

hooks.register(SEARCH_SHOWN, recording.search_shown)
hooks.register(PROFILE_SHOWN, recording.profile_shown)
hooks.register(recording.REPLAY_HOOK, recording.replayed)
