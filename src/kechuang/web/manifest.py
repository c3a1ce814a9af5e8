"""The site shell: landing pages, overview, favicon."""

from kechuang.core.manifests import Manifest

MANIFEST = Manifest(app="web", url_prefix="")
