"""Load the deployment's regions from its city data file (the industrial chains in the same
file are loaded by ``orgs.services.load_city``, a layer above)."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from kechuang.regions.models import Region


def read_region_file(path: str | Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@transaction.atomic
def load_regions(*, path: str | Path) -> dict[str, int]:
    """Idempotent: codes are keys; a second run changes nothing."""
    data = read_region_file(path)
    created = 0

    def upsert(code: str, **fields) -> Region:
        nonlocal created
        obj, was_created = Region.objects.update_or_create(code=str(code), defaults=fields)
        created += int(was_created)
        return obj

    province = upsert(data["province"]["code"], name=data["province"]["name"],
                      level=Region.Level.PROVINCE, kind=Region.Kind.PROVINCE, parent=None)
    city = upsert(data["city"]["code"], name=data["city"]["name"], level=Region.Level.CITY,
                  kind=Region.Kind.CITY, parent=province)
    rows = list(data.get("counties", [])) + list(data.get("zones", []))
    by_code = {}
    for i, row in enumerate(rows, start=1):
        by_code[str(row["code"])] = upsert(
            row["code"], name=row["name"], level=Region.Level.COUNTY,
            kind=row.get("kind", Region.Kind.COUNTY), gb2260=row.get("gb2260", True),
            parent=city, sort_order=i)
    for row in rows:  # a zone's host district (after every county exists)
        host = by_code.get(str(row.get("host") or ""))
        unit = by_code[str(row["code"])]
        if unit.host_id != (host.pk if host else None):
            unit.host = host
            unit.save(update_fields=["host"])
    return {"regions_created": created}
