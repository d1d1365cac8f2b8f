"""Tracked tasks: supervision items (督导清单) and leaders' instructions (领导批示)."""
