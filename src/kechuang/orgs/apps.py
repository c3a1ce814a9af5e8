from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "kechuang.orgs"
    label = "orgs"
    verbose_name = "企业与机构"
