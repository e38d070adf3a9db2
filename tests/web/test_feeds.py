"""The feed and JSON-LD builders alone: offsets in Paris time, and no text of a sale can break out of the
<script> element that carries the JSON-LD."""
import json
import re
from datetime import datetime, timezone
from types import SimpleNamespace

import feedparser

from auction.domain.sale_notice import NoticeSnapshot
from auction.services.publicity_view import NoticeText, PublicNotice
from auction.web.feeds import atom_feed, event_json_ld, json_ld_script

SUMMER = datetime(2027, 6, 12, 12, tzinfo=timezone.utc)


def notice(title: str, starts_at: datetime = SUMMER) -> PublicNotice:
    snapshot = NoticeSnapshot(title=title, starts_at=starts_at, place_kind="room", place_name="Salle & Co",
                              address="8 quai", postcode="69009", city="Lyon", viewing="", conditions="",
                              goods_summary="Tableaux (2 lots).")
    text = NoticeText(snapshot, 1, None, ["Paiement comptant."], sale_url="https://v.exemple.fr/ventes/7")
    return PublicNotice(text, SUMMER, SUMMER, None)


def test_json_ld_cannot_close_its_script_element_and_reads_back_intact():
    title = "Tableaux </script><script>alert(1)</script> & <b>"
    sale = SimpleNamespace(id=7, status="announced", created_at=SUMMER)
    script = json_ld_script(event_json_ld(sale, notice(title)))
    assert "</" not in script and "<" not in script
    html = f'<script type="application/ld+json">{script}</script>'
    [body] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    event = json.loads(body)
    assert event["name"] == title and event["startDate"] == "2027-06-12T14:00:00+02:00"
    assert event["location"][0]["name"] == "Salle & Co"


def test_the_feed_escapes_text_and_gives_paris_offsets():
    sale = SimpleNamespace(id=7, status="announced", created_at=SUMMER)
    body = atom_feed([(sale, notice("Vente <spéciale> & rare"))], "https://v.exemple.fr/", "Étude & fils", SUMMER)
    feed = feedparser.parse(body)
    assert not feed.bozo and feed.version == "atom10"
    assert feed.feed.title == "Ventes judiciaires annoncées — Étude & fils"
    assert feed.entries[0].title.startswith("Vente <spéciale> & rare — samedi 12 juin 2027 à 14 h 00")
    assert b"2027-06-12T14:00:00+02:00" in body and feed.entries[0].link == "https://v.exemple.fr/ventes/7"
