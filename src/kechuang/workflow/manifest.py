"""The transition engine's pages (history, decisions)."""

from kechuang.core.manifests import Manifest

MANIFEST = Manifest(app="workflow", url_prefix="workflow/")
