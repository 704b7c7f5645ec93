"""Send notifications after commit; run reminders and escalations."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from guildhall.notifications.models import Notification

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    """What to tell people. `subject` and `body` are lazy strings or callables
    rendered in each recipient's own language."""

    kind: str
    subject: Any
    body: Any = ""
    url: str = ""
    organization: Any = None
    dedupe_key: str | None = None


def _render(text: Any) -> str:
    return str(text() if callable(text) else text)


def notify(recipients: Iterable[Any], message: Message) -> None:
    """Deliver `message` to each recipient once the current transaction commits."""
    recipients = list({r.pk: r for r in recipients if r is not None and r.is_active}.values())
    if recipients:
        transaction.on_commit(lambda: deliver(recipients, message))


def deliver(recipients: list[Any], message: Message) -> list[Notification]:
    """Record and e-mail `message` now; skip people who already have its dedupe key."""
    created = []
    for user in recipients:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, body = _render(message.subject), _render(message.body)
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    recipient=user, organization=message.organization, kind=message.kind,
                    subject=subject[:200], body=body, url=message.url, dedupe_key=message.dedupe_key,
                )
        except IntegrityError:
            continue  # already sent: the dedupe key says so
        created.append(note)
        _email(note)
    return created


def _email(note: Notification) -> None:
    if not note.recipient.email:
        return
    link = f"\n\n{settings.SITE_URL}{note.url}" if note.url else ""
    try:
        send_mail(note.subject, note.body + link, None, [note.recipient.email])
    except Exception:  # a mail outage must not lose the in-app notification
        log.exception("e-mail for notification %s failed", note.pk)
        return
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


# ---- reminders and escalations --------------------------------------------------

@dataclass(frozen=True)
class Due:
    """A reminder or escalation a module wants sent now (deduplicated by `message.dedupe_key`)."""

    recipients: list[Any]
    message: Message


ReminderSource = Callable[[Any], Iterable[Due]]
_SOURCES: list[ReminderSource] = []


def reminder_source(fn: ReminderSource) -> ReminderSource:
    """Register a function `fn(now) -> Iterable[Due]` that the periodic job calls."""
    _SOURCES.append(fn)
    return fn


def tick(now: Any = None) -> int:
    """Run every reminder source once; return how many notifications went out."""
    now = now or timezone.now()
    sent = 0
    for source in list(_SOURCES):
        for due in source(now):
            if not due.message.dedupe_key:
                raise ValueError(f"{source.__name__}: reminders need a dedupe key")
            sent += len(deliver(due.recipients, due.message))
    return sent
