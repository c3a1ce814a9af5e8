"""Hash the change records written before the chain existed, oldest first (audit.chain)."""

from django.db import migrations


def hash_existing(apps, schema_editor):
    from kechuang.audit.chain import GENESIS, content_hash, record_canonical

    ChangeRecord = apps.get_model("audit", "ChangeRecord")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.using(db).all()}
    prev, last_id = GENESIS, 0
    qs = ChangeRecord._base_manager.using(db).order_by("id")
    while True:
        rows = list(qs.filter(id__gt=last_id)[:2000])
        if not rows:
            return
        for r in rows:
            r.prev_hash = prev
            r.hash = content_hash(prev, record_canonical(r, labels.__getitem__))
            prev, last_id = r.hash, r.id
        ChangeRecord._base_manager.using(db).bulk_update(rows, ["prev_hash", "hash"])


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_access_events_and_hash_chain"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(hash_existing, migrations.RunPython.noop, elidable=False),
    ]
