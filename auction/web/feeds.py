"""Machine-readable publicity: the Atom feed of announced sales (RFC 4287) and the schema.org Event
of a sale page (JSON-LD). Built from the notices only: no case, debtor or creditor is ever in them."""
from __future__ import annotations

import json
from datetime import datetime
from xml.etree import ElementTree

from auction.formats import long_datetime, to_paris
from auction.models import Sale
from auction.services.publicity_view import PublicNotice

ATOM = "http://www.w3.org/2005/Atom"


def _iso(moment: datetime) -> str:
    """RFC 3339 in Paris time, with its offset (+01:00 in winter, +02:00 in summer)."""
    return to_paris(moment).isoformat(timespec="seconds")


def atom_feed(entries: list[tuple[Sale, PublicNotice]], base_url: str, office_name: str, now: datetime) -> bytes:
    base = base_url.rstrip("/")
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "fr"})

    def add(parent, tag: str, text: str | None = None, **attributes) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            element.text = text
        return element

    add(feed, "id", f"{base}/ventes.atom")
    add(feed, "title", f"Ventes judiciaires annoncées — {office_name}" if office_name else "Ventes judiciaires annoncées")
    updated = max((notice.issued_at or sale.created_at for sale, notice in entries), default=now)
    add(feed, "updated", _iso(updated))
    add(feed, "link", rel="self", type="application/atom+xml", href=f"{base}/ventes.atom")
    add(feed, "link", rel="alternate", type="text/html", href=f"{base}/")
    author = add(feed, "author")
    add(author, "name", office_name or "Criée")
    add(feed, "generator", "Criée")
    for sale, notice in entries:
        snapshot = notice.text.snapshot
        entry = add(feed, "entry")
        add(entry, "id", f"{base}/ventes/{sale.id}")
        add(entry, "title", f"{snapshot.title} — {long_datetime(snapshot.starts_at)}")
        add(entry, "updated", _iso(notice.issued_at or sale.created_at))
        add(entry, "published", _iso(notice.first_issued_at or sale.created_at))
        add(entry, "link", rel="alternate", type="text/html", href=f"{base}/ventes/{sale.id}")
        lines = [f"Vente aux enchères publiques le {long_datetime(snapshot.starts_at)}, {snapshot.place}.",
                 f"Nature des biens : {snapshot.goods_summary}"]
        if notice.previous_starts_at:
            lines.append(f"Vente reportée : elle était annoncée pour le {long_datetime(notice.previous_starts_at)}.")
        if snapshot.viewing:
            lines.append(f"Exposition : {snapshot.viewing}")
        lines += notice.text.conditions
        add(entry, "summary", "\n".join(lines), type="text")
        add(entry, "category", term="vente-judiciaire", label="Vente judiciaire après saisie-vente")
    return ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)


def event_json_ld(sale: Sale, notice: PublicNotice, image_url: str | None = None) -> dict:
    """The sale as a schema.org Event: a sale room and the live online bidding alongside it."""
    snapshot = notice.text.snapshot
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": snapshot.title,
        "description": f"Vente judiciaire aux enchères publiques après saisie-vente. Nature des biens : "
                       f"{snapshot.goods_summary}",
        "startDate": _iso(snapshot.starts_at),
        "eventStatus": ("https://schema.org/EventRescheduled" if notice.previous_starts_at
                        else "https://schema.org/EventScheduled"),
        "eventAttendanceMode": "https://schema.org/MixedEventAttendanceMode",
        "isAccessibleForFree": True,
        "inLanguage": "fr",
        "url": notice.text.sale_url,
        "location": [
            {"@type": "Place", "name": snapshot.place_name,
             "address": {"@type": "PostalAddress", "streetAddress": snapshot.address,
                         "postalCode": snapshot.postcode, "addressLocality": snapshot.city, "addressCountry": "FR"}},
            {"@type": "VirtualLocation", "url": f"{notice.text.sale_url}/inscription"},
        ],
    }
    if notice.previous_starts_at:
        event["previousStartDate"] = _iso(notice.previous_starts_at)
    office = notice.text.office
    if office is not None:
        event["organizer"] = {"@type": "Organization", "name": office.name,
                              "address": {"@type": "PostalAddress", "streetAddress": office.address,
                                          "postalCode": office.postcode, "addressLocality": office.city,
                                          "addressCountry": "FR"}}
        if notice.text.officer_name:
            event["performer"] = {"@type": "Person", "name": notice.text.officer_name,
                                  "jobTitle": "Commissaire de justice"}
    if image_url:
        event["image"] = [image_url]
    return event


def json_ld_script(data: dict) -> str:
    """JSON for a <script type="application/ld+json"> element: `<`, `>` and `&` escaped so no text of the
    sale can close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
