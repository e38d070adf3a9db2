"""A demo sale served by a real `criee serve` process, shared by the tests of this package (one per backend)."""
from __future__ import annotations

import pytest

from .harness import LiveServer, seed_demo


@pytest.fixture(scope="package")
def live_server(database_factory, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("live")
    url = database_factory.create()
    seed_demo(url, data_dir)
    server = LiveServer(url, data_dir, data_dir / "server.log").start()
    try:
        yield server
    finally:
        server.stop()

