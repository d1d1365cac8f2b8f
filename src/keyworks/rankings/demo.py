"""Demo data for the demo programme: The bi-monthly progress meeting (两个月一推进、较短比长)."""

from collections import Counter


def load_demo(programme) -> Counter:
    """Add this part of the demo while the programme has none of it; return what was made."""
    return Counter()
