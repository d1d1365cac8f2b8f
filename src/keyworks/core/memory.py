"""Holding Python's cyclic garbage collector for one bulk step."""

import gc
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """Hold the cyclic garbage collector while one step allocates a great many objects
    that all stay alive until it ends (a 10,000-row workbook import). Each automatic
    collection would walk them and the rest of the process's heap, to free nothing: a
    quarter to a half of such a step's time. Restored afterwards; reference counting
    still frees everything that is dropped. The switch is process-wide, so keep it to
    batch paths (imports, jobs), never around a request in a threaded server."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
