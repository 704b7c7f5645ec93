from guildhall.testing import MatrixCase, matrix_case


def _own_notification(cast, user):
    from guildhall.notifications.models import Notification

    note = Notification.objects.create(recipient=user, kind="test", subject="matrix")
    return {"notification_id": note.pk}


matrix_case(MatrixCase("notifications:inbox", everyone=True))
matrix_case(MatrixCase("notifications:notification_read", everyone=True, method="POST",
                       build_self=_own_notification))
matrix_case(MatrixCase("notifications:notifications_read_all", everyone=True, method="POST"))
matrix_case(MatrixCase("notifications:workday_calendar", everyone=True))
# The national schedule is entered by admins of top-level supervising bodies only.
matrix_case(MatrixCase("notifications:workday_calendar", everyone=True, method="POST",
                       roles={"supervisor": {"admin"}},
                       data=lambda cast, org: {"holidays": "2099-10-01", "workdays": ""}))
