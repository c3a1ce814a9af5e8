from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0003_kpi_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='organisation',
            index=models.Index(fields=['id', 'county'], name='orgs_org_id_county'),
        ),
    ]
