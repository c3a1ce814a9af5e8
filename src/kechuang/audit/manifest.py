"""The audit trail and the audit administrator's pages."""

from kechuang.core.manifests import Manifest

MANIFEST = Manifest(
    app="audit",
    url_prefix="audit/",
    jobs=("kechuang.audit.exports",),
    signals=("kechuang.audit.signals",),  # login, logout and lockout events
)
