"""Send notifications after commit; send the reminders and escalations of deadlines."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Window
from django.utils import timezone, translation

from guildhall.core.lines import labelled
from guildhall.core.prepared import Prepared
from guildhall.notifications import calendar
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


# ---- the person's unread notices ----------------------------------------------------------

@functools.cache
def _latest_unread(n: int) -> Prepared:
    # Not through `user.notifications`, which would read each notice's recipient (deferred
    # here) to attach the user to it.
    return Prepared(lambda user_id: Notification.objects.filter(
        recipient_id=user_id, read_at__isnull=True).only("subject", "url", "created_at").annotate(
        unread=Window(Count("pk"))).order_by("-created_at", "-pk")[:n])


def latest_unread(user: Any, n: int = 5) -> list[Notification]:
    """The person's `n` latest unread notices, with how many are unread in all counted in the
    same query (`COUNT(*) OVER ()`) and kept for the header's `unread_count` (the SQL built
    once for each `n`)."""
    found = _latest_unread(n)(user_id=user.pk)
    user._guildhall_unread = found[0].unread if found else 0
    return found


def unread_count(user: Any) -> int:
    """How many unread notices the person has (the header's count): counted once a request
    (the user object is the request's), or taken from `latest_unread`."""
    found = getattr(user, "_guildhall_unread", None)
    if found is None:
        found = user._guildhall_unread = user.notifications.filter(read_at__isnull=True).count()
    return found


def _render(text: Any) -> str:
    return str(text() if callable(text) else text)


def notify(recipients: Iterable[Any], message: Message) -> None:
    """Deliver `message` to each recipient once the current transaction commits."""
    recipients = list({r.pk: r for r in recipients if r is not None and r.is_active}.values())
    if recipients:
        transaction.on_commit(lambda: deliver(recipients, message))


def settle(url: str, kinds: Iterable[str]) -> int:
    """Mark as read everyone's unread notices of `kinds` about the object at `url`: the work
    they asked for is done (decided, withdrawn, summarized). Notices sent later in the same
    transaction (the next step's) are delivered after it and stay unread."""
    return Notification.objects.filter(url=url, kind__in=list(kinds), read_at__isnull=True) \
        .update(read_at=timezone.now())


def deliver(recipients: list[Any], message: Message) -> list[Notification]:
    """Record and e-mail `message` now; skip people who already have its dedupe key."""
    created = []
    for user in recipients:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, body = _render(message.subject), _render(message.body)
        # One line: a title someone typed with a line break would otherwise make the mail
        # header invalid and the e-mail would not go out.
        subject = " ".join(subject.split())
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


# ---- deadlines: reminders and escalations ---------------------------------------

@dataclass(frozen=True)
class Notice:
    """One notice about a deadline: whom to tell and what, sent once per person.

    `key` ends the dedupe key of the occurrence (`Deadline.key`), so that each notice of
    each occurrence goes to each person once. `body` may name the due date as `%(date)s`.
    """

    kind: str
    to: Callable[[Any], Iterable[Any]]
    subject: Any
    key: str
    body: Any = ""


@dataclass(frozen=True)
class Deadline:
    """A date field of a module's items that someone must act by.

    `items(now)` is the queryset of items whose deadline is open (the filing still waits
    for a decision). `remind` goes out from `before` working days ahead of the due date
    until it passes (`before=None`: as soon as the item is open, also without a date);
    `escalate` goes out once the due date has passed. `key(item)` names one occurrence of
    the deadline (the item, its review round, its step): a new occurrence is told afresh.
    """

    items: Callable[[Any], QuerySet]
    due: str
    key: Callable[[Any], str]
    url: Callable[[Any], str]
    remind: Notice | None = None
    before: int | None = 0
    escalate: Notice | None = None
    # `due` is a moment (a DateTimeField) kept to the minute, in wall-clock time: the
    # reminder goes out while it is ahead, the escalation once it is reached.
    precise: bool = False

    def windows(self, today: dt.date, now: dt.datetime | None = None) -> list[tuple[Notice, Q]]:
        """Return each notice with the condition on the due date under which it is sent."""
        windows = []
        if self.precise:
            now = now or timezone.now()
            if self.remind:
                windows.append((self.remind, Q(**{f"{self.due}__gt": now})))
            if self.escalate:
                windows.append((self.escalate, Q(**{f"{self.due}__lte": now})))
            return windows
        if self.remind:
            if self.before is None:
                when = Q(**{f"{self.due}__gte": today}) | Q(**{f"{self.due}__isnull": True})
            else:
                horizon = calendar.add_working_days(today, self.before + 1)
                when = Q(**{f"{self.due}__gte": today, f"{self.due}__lt": horizon})
            windows.append((self.remind, when))
        if self.escalate:
            windows.append((self.escalate, Q(**{f"{self.due}__lt": today})))
        return windows


_DEADLINES: list[Deadline] = []

# Keys checked against the inbox per query: well below every database's parameter limit.
_KEYS_PER_QUERY = 500


def deadline(declared: Deadline) -> Deadline:
    """Register a deadline that the periodic job watches; return it."""
    _DEADLINES.append(declared)
    return declared


def tick(now: Any = None) -> int:
    """Send every due notice not yet sent; return how many notifications went out."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return sum(_send_due(d, now, today) for d in list(_DEADLINES))


def _send_due(declared: Deadline, now: dt.datetime, today: dt.date) -> int:
    """Send one deadline's due notices: what the inbox already holds is found by one query
    (per few hundred keys), so a second run inserts nothing."""
    due: list[tuple[Any, Message]] = []
    for notice, when in declared.windows(today, now):
        for item in declared.items(now).filter(when).iterator():
            message = _deadline_message(declared, notice, item)
            due.extend((user, message) for user in notice.to(item)
                       if user is not None and user.is_active)
    sent: set[tuple[int, str]] = set()
    keys = sorted({m.dedupe_key for _, m in due})
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        sent.update(Notification.objects.filter(
            dedupe_key__in=keys[start:start + _KEYS_PER_QUERY],
            recipient_id__in={u.pk for u, _ in due},
        ).values_list("recipient_id", "dedupe_key"))
    unsent: dict[str, tuple[Message, dict[int, Any]]] = {}
    for user, message in due:
        if (user.pk, message.dedupe_key) not in sent:
            unsent.setdefault(message.dedupe_key, (message, {}))[1][user.pk] = user
    return sum(len(deliver(list(users.values()), message)) for message, users in unsent.values())


def _deadline_message(declared: Deadline, notice: Notice, item: Any) -> Message:
    title = str(item)
    date = getattr(item, declared.due)
    if isinstance(date, dt.datetime):
        date = timezone.localtime(date).strftime("%Y-%m-%d %H:%M")
    else:
        date = date.isoformat() if date else ""
    body = notice.body
    return Message(
        kind=notice.kind, subject=lambda: labelled(notice.subject, title),
        body=(lambda: str(body) % {"date": date}) if body else "",
        url=declared.url(item), organization=item.organization,
        dedupe_key=f"{declared.key(item)}{notice.key}")
