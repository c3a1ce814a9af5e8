"""The seeded kinds of platform (issue #17); the bureau may add more."""

from django.db import migrations

from kechuang.carriers.migrations import SEEDED_KINDS as KINDS


def seed(apps, schema_editor):
    PlatformKind = apps.get_model("carriers", "PlatformKind")
    for n, (code, name, carrier, counted) in enumerate(KINDS, start=1):
        PlatformKind.objects.get_or_create(code=code, defaults={
            "name": name, "carrier": carrier, "incubator_or_pilot": counted,
            "sort_order": n * 10})


class Migration(migrations.Migration):
    dependencies = [("carriers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
