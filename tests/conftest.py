"""Run the browser tests last: their session-wide Playwright keeps an event loop and threads alive, which
prompt_toolkit (the scaffold's prompts) must not share."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

# Every property test: no database (nothing written into the repository), and no timing checks, which fail
# on a shared machine that stalls for seconds (one draw took 3.9 s in CI), not on wrong code.
settings.register_profile("whatworks", database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("whatworks")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
