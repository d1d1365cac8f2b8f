"""The settings the test suite runs with: production's (`keyworks.settings`, DEBUG off),
with a secret key of the tests' own, since production refuses to start without one."""

import os

os.environ.setdefault("KEYWORKS_SECRET_KEY", "tests-only-secret-key-" + "0123456789" * 5)

from keyworks.settings import *  # noqa: E402, F403
