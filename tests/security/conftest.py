"""Security regression tests share the app tests' fixtures."""

from tests.app.conftest import _forget_per_process_caches  # noqa: F401
