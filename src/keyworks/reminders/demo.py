"""Demo data for the demo programme: The reminder list (工作提醒清单)."""

from collections import Counter


def load_demo(programme) -> Counter:
    """Add this part of the demo while the programme has none of it; return what was made."""
    return Counter()
