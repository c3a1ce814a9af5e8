"""Send and mark notices. Not audited: notices are messages, not domain data (models.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from kechuang.core.errors import ScopeError
from kechuang.notices.models import Notice, validate_local_url


def notify(*, recipients: Iterable[Any], title: str, body: str = "", url: str = "",
           level: str = Notice.Level.INFO, dedupe_key: str = "") -> int:
    """Send one notice to each recipient (users or user ids); return how many were created.

    With a ``dedupe_key`` a recipient who already has a notice with that key gets no second
    one, so a daily check can call this every day. One bulk insert.
    """
    validate_local_url(url)
    if level not in Notice.Level.values:
        raise ValueError(f"unknown notice level {level!r}")
    ids = {getattr(r, "pk", r) for r in recipients}
    ids.discard(None)
    if not ids:
        return 0
    with transaction.atomic():
        if dedupe_key:
            ids -= set(Notice.objects.filter(recipient_id__in=ids, dedupe_key=dedupe_key)
                       .values_list("recipient_id", flat=True))
        rows = [Notice(recipient_id=pk, title=title[:200], body=body, url=url, level=level,
                       dedupe_key=dedupe_key[:200]) for pk in sorted(ids)]
        # a concurrent notify() with the same key loses the race quietly (unique constraint)
        Notice.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_key))
    return len(rows)


def mark_read(*, notice: Notice, actor: Any) -> Notice:
    """Mark one of the actor's own notices read (someone else's: ScopeError)."""
    now = timezone.now()
    mine = Notice.objects.restrict(actor, "change").filter(pk=notice.pk)
    if not mine.exists():
        raise ScopeError()
    mine.filter(read_at__isnull=True).update(read_at=now)
    notice.read_at = notice.read_at or now
    return notice


def mark_all_read(*, actor: Any) -> int:
    return Notice.objects.restrict(actor, "change").filter(read_at__isnull=True).update(
        read_at=timezone.now())
