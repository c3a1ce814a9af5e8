import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0002_evaluationresult_county'),
    ]

    operations = [
        migrations.AlterField(
            model_name='evaluationresult',
            name='county',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                    related_name='+', to='regions.region',
                                    verbose_name='所在县区'),
        ),
    ]
