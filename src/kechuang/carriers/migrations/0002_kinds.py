"""The seeded kinds of platform (issue #17); the bureau may add more."""

from django.db import migrations

# code, name, carrier (晋创谷 carrier with area/capacity/occupants), counted in 孵化器和中试基地
KINDS = [
    ("key_lab", "重点实验室", False, False),
    ("tech_innovation_centre", "技术创新中心", False, False),
    ("engineering_centre", "工程技术研究中心", False, False),
    ("new_rd_institution", "新型研发机构", False, False),
    ("pilot_base", "中试基地", True, True),
    ("incubator", "科技企业孵化器", True, True),
    ("maker_space", "众创空间", True, False),
    ("transfer_centre", "科技成果转化中心", True, False),
    ("concept_verification", "概念验证中心", False, False),
    ("industry_alliance", "产业技术创新联盟", False, False),
    ("cnas_lab", "CNAS认可实验室", False, False),
]


def seed(apps, schema_editor):
    PlatformKind = apps.get_model("carriers", "PlatformKind")
    for n, (code, name, carrier, counted) in enumerate(KINDS, start=1):
        PlatformKind.objects.get_or_create(code=code, defaults={
            "name": name, "carrier": carrier, "incubator_or_pilot": counted,
            "sort_order": n * 10})


class Migration(migrations.Migration):
    dependencies = [("carriers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
