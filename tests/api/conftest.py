from tests.applications.conftest import (  # noqa: F401  (fixtures)
    call,
    district,
    districts,
    form_page,
    fresh_cache_and_storage,
    home,
)
