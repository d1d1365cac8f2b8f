"""What every Excel import shares: the issues it reports and the uploads waiting for the
user's confirmation.

An upload is kept for the preview step in the default storage under
``imports/<token>.xlsx`` (object storage in production, so app servers keep no state);
the token is bound to the user's session. Confirming re-reads the stored file and never
trusts posted data.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.storage import default_storage


@dataclass
class ImportIssue:
    """One problem (or warning): ``message`` is what users see."""

    message: str
    row: int | None = None
    column: str = ""  # the header text as in the file
    letter: str = ""  # column letter, e.g. "D"

    def __str__(self) -> str:
        return self.message


class ImportRefused(Exception):
    """The import was refused; ``issues`` say why. Nothing was written."""

    def __init__(self, issues: Sequence[ImportIssue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(i) for i in self.issues))


class PendingUploads:
    """Uploaded files awaiting confirmation, one per session and kind of import."""

    def __init__(self, session_key: str) -> None:
        self.session_key = session_key

    def _all(self, request) -> dict:
        return request.session.get(self.session_key, {})

    def get(self, request, token: str) -> dict | None:
        """{"path", "name", and what `keep` was given} or None."""
        return self._all(request).get(token)

    def keep(self, request, upload, **extra) -> str:
        """Store `upload` (replacing this session's earlier one); return its token."""
        for token in list(self._all(request)):
            self.forget(request, token)
        token = secrets.token_hex(16)
        path = default_storage.save(f"imports/{token}.xlsx", upload)
        pending = self._all(request)
        pending[token] = {"path": path, "name": upload.name[:200], **extra}
        request.session[self.session_key] = pending
        return token

    def forget(self, request, token: str) -> None:
        pending = self._all(request)
        entry = pending.pop(token, None)
        request.session[self.session_key] = pending
        if entry:
            default_storage.delete(entry["path"])
