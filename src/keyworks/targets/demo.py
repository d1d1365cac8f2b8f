"""Demo data for the demo programme: Annual targets (年度目标)."""

from collections import Counter


def load_demo(programme) -> Counter:
    """Add this part of the demo while the programme has none of it; return what was made."""
    return Counter()
