"""The timeline of a tracked item (problem, supervision item, meeting decision) as the API
gives it: one entry per event, oldest first."""


def event_out(event, **extra) -> dict:
    """One event: what was done (`kind`, `kind_label`), when, by whom, the status after it
    and the note; `extra` adds the item's own fields (a problem's level, the acting unit)."""
    return {
        "id": event.pk,
        "kind": event.kind,
        "kind_label": event.get_kind_display(),
        "at": event.at,
        "status": event.status,
        "actor": str(event.actor),  # the full name, else the user name
        "note": event.note,
        **extra,
    }
