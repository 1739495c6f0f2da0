"""Fixtures of the tests in tests/projects/ (their helpers are in common.py)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .common import make_client, make_project


@pytest.fixture
async def client(api: httpx.AsyncClient) -> dict[str, Any]:
    """The vendor's example client, "Test GmbH"."""
    return await make_client(api)


@pytest.fixture
async def project(api: httpx.AsyncClient, client: dict[str, Any]) -> dict[str, Any]:
    """The vendor's example project, "Test Projekt 001" of "Test GmbH"."""
    return await make_project(api)


@pytest.fixture
async def catalogue(api: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    """Two clients with two projects each, created in this order (ids ascending)."""
    await make_client(api, "Test GmbH")
    await make_client(api, "Acme AG")
    return {
        name: await make_project(api, name, client)
        for name, client in [
            ("Test Projekt 001", "Test GmbH"),
            ("Website", "Test GmbH"),
            ("Testing Tools", "Acme AG"),
            ("Backoffice", "Acme AG"),
        ]
    }
