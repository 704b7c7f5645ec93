from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def refresh_stale_rows():
    """Figures that change by the clock alone (an item overdue at midnight, a first report
    late at its deadline) are recomputed when their row goes stale."""
    from guildhall.dashboard.services import refresh_stale

    refresh_stale(None, limit=None)
