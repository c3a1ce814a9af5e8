"""Store the enterprise's county on each batch result (the KPI sum groups by it).

NOT NULL comes in 0003: on PostgreSQL the deferred FK checks of this UPDATE would block an
ALTER TABLE in the same transaction."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_county(apps, schema_editor):
    Result = apps.get_model("assessment", "EvaluationResult")
    Organisation = apps.get_model("orgs", "Organisation")
    Result.objects.update(county_id=Subquery(
        Organisation.objects.filter(pk=OuterRef("enterprise_id")).values("county_id")[:1]))


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0001_initial'),
        ('orgs', '0004_organisation_id_county_index'),
        ('regions', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='evaluationresult',
            name='county',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name='+', to='regions.region',
                                    verbose_name='所在县区'),
        ),
        migrations.RunPython(fill_county, migrations.RunPython.noop),
    ]
