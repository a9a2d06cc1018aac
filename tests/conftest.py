import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _clear_caches():
    """Every test starts with empty caches (fragments, the content generation,
    Wagtail's site root paths and renditions), so that no test sees another's."""
    for cache in caches.all():
        cache.clear()
    yield
