"""Conventions of the code base that a reviewer would otherwise have to remember."""

import re
from pathlib import Path

import keyworks

SRC = Path(keyworks.__file__).resolve().parent
AUDITED_WRITE = re.compile(r"\brecord_changes?\b")
# Outside the apps' services.py only these record changes: the audit app itself, the
# workflow kernel (on behalf of its apps' services), the demo loaders (data stamped as if
# the flows had run) and the ledger importer (its summary record; rows go through
# ledger.services).
ALLOWED = {
    "audit/services.py",
    "core/workflow.py",
    "demo/activity.py",
    "demo/loader.py",
    "demo/synth.py",
    "ledger/importer.py",
}


def test_audited_writes_live_in_services():
    writers = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts and AUDITED_WRITE.search(path.read_text("utf-8"))
    }
    elsewhere = {p for p in writers if not p.endswith("/services.py")} - ALLOWED
    assert not elsewhere, f"write and audit these through the app's services.py: {elsewhere}"
