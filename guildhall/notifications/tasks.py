from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def periodic_tick() -> None:
    """Send due reminders and escalations (the same work as `guildhall tick`)."""
    from guildhall.notifications.services import tick

    tick()
