"""What core adds to the site: the health check and the error-report endpoint (docs/modules.md)."""

from kechuang.core.manifests import Manifest

MANIFEST = Manifest(app="core", url_prefix="")
