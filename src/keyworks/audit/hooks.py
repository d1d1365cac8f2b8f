"""What other apps may follow in the change log without the audit app importing them.

`changes_recorded` is sent inside the writing transaction, right after change records
are saved (one or many), with `records=[ChangeRecord, …]`. A receiver that writes runs
in the same transaction, so its write commits or rolls back with the change itself
(reporting keeps its stored figures up to date this way)."""

from django.dispatch import Signal

changes_recorded = Signal()
