"""In-app notices and the reviewers' to-do list."""

from kechuang.core.manifests import Manifest

MANIFEST = Manifest(app="notices", url_prefix="notices/")
