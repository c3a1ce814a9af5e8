"""Accounts: sign-in, password and second factor, account administration."""

from kechuang.core.manifests import Manifest

MANIFEST = Manifest(app="accounts", url_prefix="accounts/")
