from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "kechuang.plans"
    label = "plans"
    verbose_name = "工作要点"
