"""Run the browser tests last: their session-wide Playwright keeps an event loop and threads alive, which
prompt_toolkit (the scaffold's prompts) must not share."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
