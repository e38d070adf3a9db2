"""`criee demo` tells a newcomer the right pages: the tablet is the room page, the live page
and the auctioneer's screen."""
import sqlite3

from tests.live_server import cli_env, criee


def test_demo_banner_names_the_tablet_the_display_and_the_live_page_on_the_configured_port(tmp_path):
    env = cli_env(f"sqlite:///{tmp_path / 'demo.sqlite3'}", tmp_path / "data", CRIEE_PORT="8140")
    result = criee("demo", env=env, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    assert "Tablette du clerc : http://127.0.0.1:8140/bureau/ventes/1/salle\n" in out
    assert "Écran de salle    : http://127.0.0.1:8140/salle/1\n" in out
    assert "Pupitre           : http://127.0.0.1:8140/bureau/ventes/1/pupitre\n" in out
    assert "Page en direct    : http://127.0.0.1:8140/ventes/1/direct\n" in out
    with sqlite3.connect(tmp_path / "demo.sqlite3") as conn:
        places = [row[0] for row in conn.execute("SELECT place FROM publication_acts WHERE kind = 'web'")]
    assert places == ["http://127.0.0.1:8140/ventes/1", "http://127.0.0.1:8140/ventes/2"]   # both sales' web publications
