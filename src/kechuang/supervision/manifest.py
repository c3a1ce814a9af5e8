"""Supervision (督查督办) of plan tasks and reform measures (行动一, issue #18)."""

from kechuang.core.manifests import Manifest

MANIFEST = Manifest(app="supervision")
