"""A demo sale served by a real `criee serve` process, shared by the tests of this package (one per backend)."""
from __future__ import annotations

import pytest

from tests.live_server import LiveServer, cli_env, seed_demo


@pytest.fixture(scope="package")
def live_server(database_factory, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("live")
    env = cli_env(database_factory.create(), data_dir)
    seed_demo(env)
    server = LiveServer(env, data_dir / "server.log").start()
    try:
        yield server
    finally:
        server.stop()

