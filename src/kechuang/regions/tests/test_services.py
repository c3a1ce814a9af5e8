import pytest
from django.conf import settings

from kechuang.regions.models import Region
from kechuang.regions.services import load_regions


@pytest.mark.django_db
def test_changzhi_has_twelve_gb2260_counties_and_a_zone():
    load_regions(path=settings.KECHUANG_REGION_FILE)
    city = Region.objects.get(code="140400")
    counties = Region.objects.filter(parent=city, gb2260=True)
    assert city.name == "长治市" and city.parent.code == "140000"
    assert counties.count() == 12
    assert set(counties.values_list("code", flat=True)) >= {"140403", "140404", "140431"}
    zone = Region.objects.get(code="140471")
    assert zone.kind == "zone" and not zone.gb2260
    assert zone.host.code == "140403"  # 长治高新区 lies in 潞州区 (policy-rules §h)
    assert not counties.filter(host__isnull=False).exists()


@pytest.mark.django_db
def test_loading_twice_adds_nothing():
    first = load_regions(path=settings.KECHUANG_REGION_FILE)
    second = load_regions(path=settings.KECHUANG_REGION_FILE)
    assert first["regions_created"] == 15 and second == {"regions_created": 0}


@pytest.mark.django_db
def test_another_city_by_data_file(tmp_path):
    f = tmp_path / "jincheng.yaml"
    f.write_text("province: {code: '140000', name: 山西省}\n"
                 "city: {code: '140500', name: 晋城市}\n"
                 "counties:\n  - {code: '140502', name: 城区, kind: district}\n",
                 encoding="utf-8")
    load_regions(path=f)
    assert Region.objects.get(code="140502").parent.name == "晋城市"
