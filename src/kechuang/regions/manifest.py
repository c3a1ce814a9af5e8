"""Regions: reference data, read through the API."""

from kechuang.core.manifests import Manifest

MANIFEST = Manifest(app="regions", api="kechuang.regions.api")
