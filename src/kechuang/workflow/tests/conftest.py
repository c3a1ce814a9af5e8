from kechuang.reported.tests.conftest import (  # noqa: F401  (shared fixtures)
    _private_media,
    indicators,
    plan,
    values,
)
