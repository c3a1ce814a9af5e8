"""Innovation platforms and 晋创谷 carriers (行动三、五): the registry, occupants, the annual
evaluation."""


from kechuang.core.manifests import Manifest

MANIFEST = Manifest(
    app="carriers",
    metrics=("kechuang.carriers.metrics",),
    workflows=("kechuang.carriers.workflows",),
)
