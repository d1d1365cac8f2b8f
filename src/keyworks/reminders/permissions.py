"""Who may see and do what in reminders: the permission rules of its own models, built on
the role primitives of orgs.roles."""

from keyworks.orgs.roles import is_active_user, programme_ids

# --- reminders ---------------------------------------------------------------
# Reminders are computed per user by each app's provider from that app's own rules;
# here only: who gets a reminder list (and a digest) at all.


def can_receive_reminders(user) -> bool:
    """Signed-in, active members of at least one programme."""
    if not is_active_user(user):
        return False
    return bool(programme_ids(user))
