"""The public catalogue's search, in SQL on both databases: text, category, estimate range, pages."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from auction.domain.catalogue import CatalogueQuery, parse_query
from auction.models import Case, Lot, Sale
from auction.services.catalogue import NotFound
from auction.services.public_catalogue import lot_view, printable_catalogue, sale_catalogue, search_lots

from ..conftest import confirm_rates

# (title, description, category, low €, high €)
LOTS = [
    ("Réfrigérateur américain LG", "Distributeur d'eau, bon état.", "Électroménager", 300, 500),
    ("Commode de style Louis XV", "Placage de bois de rose, bronzes.", "Mobilier", 500, 900),
    ("Piano droit Yamaha", "Noir brillant, accordé en 2023.", "Mobilier", 1500, 2500),
    ("Scie à format Altendorf F45", "Chariot 3,20 m, moteur 5,5 kW.", "Machines", 4000, 6000),
    ("Lot de serre-joints", "Environ 40 serre-joints, 100% acier.", "Outillage", 100, 200),
    ("Œuvre sur toile", "Huile signée, cadre doré.", "Tableaux", 1000, 1000),
]


async def make_sale(db, *, status="announced", extra: int = 0, reference="VJ-T") -> int:
    """A sale with the LOTS above, then `extra` plain lots ("Chaise n") in the Mobilier category."""
    async with db.sessions() as session, session.begin():
        case = Case(reference=f"SV-{reference}", debtor_name="M. Secret", debtor_address="1 rue Cachée",
                    debtor_postcode="69001", debtor_city="Lyon", title_nature="Jugement", title_court="TJ Lyon",
                    title_date=date(2026, 1, 1), seizure_date=date(2026, 9, 1))
        sale = Sale(reference=reference, title="Vente test", starts_at=datetime(2026, 12, 12, 13, tzinfo=timezone.utc),
                    place_kind="room", place_name="Salle", address="8 quai", postcode="69009", city="Lyon",
                    status=status)
        session.add_all([case, sale])
        await session.flush()
        specs = LOTS + [(f"Chaise {n}", "Chaise paillée.", "Mobilier", 50, 80) for n in range(1, extra + 1)]
        for position, (title, description, category, low, high) in enumerate(specs, start=1):
            session.add(Lot(sale_id=sale.id, case_id=case.id, number=position, position=position, title=title,
                            description=description, category=category, estimate_low_cents=low * 100,
                            estimate_high_cents=high * 100, opening_bid_cents=low * 50))
    return sale.id


async def titles(db, sale_id: int, **params) -> list[str]:
    query, messages = parse_query({k: str(v) for k, v in params.items()})
    assert messages == []
    async with db.sessions() as session:
        lots, _pagination, _ = await search_lots(session, sale_id, query)
    return [lot.title for lot in lots]


async def test_text_search_ignores_case_and_accents(db):
    sale_id = await make_sale(db)
    assert await titles(db, sale_id, q="refrigerateur") == ["Réfrigérateur américain LG"]
    assert await titles(db, sale_id, q="RÉFRIGÉRATEUR Américain") == ["Réfrigérateur américain LG"]
    assert await titles(db, sale_id, q="oeuvre") == ["Œuvre sur toile"]
    assert await titles(db, sale_id, q="bronzes") == ["Commode de style Louis XV"]     # the description
    assert await titles(db, sale_id, q="louis piano") == []                              # every word must match
    assert await titles(db, sale_id, q="3") == ["Piano droit Yamaha", "Scie à format Altendorf F45"]  # lot 3, or "3,20 m"


async def test_like_wildcards_typed_by_a_visitor_match_literally(db):
    sale_id = await make_sale(db)
    assert await titles(db, sale_id, q="%") == ["Lot de serre-joints"]      # "100% acier", not every lot
    assert await titles(db, sale_id, q="0%") == ["Lot de serre-joints"]
    assert await titles(db, sale_id, q="_") == []
    assert await titles(db, sale_id, q="serre_joints") == []


async def test_category_and_estimate_range_overlap(db):
    sale_id = await make_sale(db)
    assert await titles(db, sale_id, categorie="Mobilier") == ["Commode de style Louis XV", "Piano droit Yamaha"]
    assert await titles(db, sale_id, categorie="Inconnue") == []
    # A lot is in when its estimate range meets the one asked, bounds included.
    assert await titles(db, sale_id, min=900, max=1000) == [
        "Commode de style Louis XV", "Œuvre sur toile"]
    assert await titles(db, sale_id, min=6000) == ["Scie à format Altendorf F45"]
    assert await titles(db, sale_id, max=100) == ["Lot de serre-joints"]
    assert await titles(db, sale_id, min=1000, max=2000, categorie="Mobilier", q="yamaha") == ["Piano droit Yamaha"]


async def test_withdrawn_lots_stay_in_the_results(db):
    sale_id = await make_sale(db)
    async with db.sessions() as session, session.begin():
        lot = await session.scalar(select(Lot).where(Lot.sale_id == sale_id, Lot.number == 2))
        lot.status = "withdrawn"
    assert await titles(db, sale_id, q="commode") == ["Commode de style Louis XV"]


async def test_search_text_follows_an_edited_title(db):
    sale_id = await make_sale(db)
    async with db.sessions() as session, session.begin():
        lot = await session.scalar(select(Lot).where(Lot.sale_id == sale_id, Lot.number == 3))
        lot.title = "Piano à queue Érard"
    assert await titles(db, sale_id, q="erard") == ["Piano à queue Érard"]
    assert await titles(db, sale_id, q="yamaha") == []


async def test_pages_in_catalogue_order_and_past_the_end(db):
    sale_id = await make_sale(db, extra=44)          # 50 lots: pages of 24, 24 and 2
    async with db.sessions() as session:
        first, pagination, message = await search_lots(session, sale_id, CatalogueQuery(page=1))
        assert (pagination.total, pagination.pages, len(first), message) == (50, 3, 24, None)
        assert [lot.number for lot in first] == list(range(1, 25))
        second, pagination, _ = await search_lots(session, sale_id, CatalogueQuery(page=2))
        assert [lot.number for lot in second] == list(range(25, 49)) and (pagination.first, pagination.last) == (25, 48)
        last, pagination, message = await search_lots(session, sale_id, CatalogueQuery(page=9))
        assert [lot.number for lot in last] == [49, 50] and pagination.page == 3
        assert message == "La page 9 n'existe pas : voici la dernière page (3)."
        chairs, pagination, _ = await search_lots(session, sale_id, CatalogueQuery(text="chaise", page=2))
        assert pagination.total == 44 and [lot.title for lot in chairs][:2] == ["Chaise 25", "Chaise 26"]


async def test_a_draft_sale_is_seen_only_in_preview(db):
    sale_id = await make_sale(db, status="draft")
    with pytest.raises(NotFound):
        await sale_catalogue(db.sessions, sale_id, CatalogueQuery())
    with pytest.raises(NotFound):
        await printable_catalogue(db.sessions, sale_id)
    view = await sale_catalogue(db.sessions, sale_id, CatalogueQuery(), preview=True)
    assert view.pagination.total == len(LOTS)
    assert view.categories == ["Électroménager", "Machines", "Mobilier", "Outillage", "Tableaux"]
    assert view.tariff is None and "attendent la confirmation" in view.tariff_note   # C. com. A444-3
    await confirm_rates(db)
    view = await sale_catalogue(db.sessions, sale_id, CatalogueQuery(), preview=True)
    assert view.tariff.buyer_fee_rate_incl_vat == Decimal("0.1428") and view.tariff_note is None
    with pytest.raises(NotFound):
        await sale_catalogue(db.sessions, 999_999, CatalogueQuery(), preview=True)


async def test_lot_neighbours_follow_the_search(db):
    sale_id = await make_sale(db, extra=30)
    async with db.sessions() as session:
        lots = {lot.title: lot for lot in await session.scalars(select(Lot).where(Lot.sale_id == sale_id))}
    plain = await lot_view(db.sessions, sale_id, lots["Piano droit Yamaha"].id, CatalogueQuery())
    assert (plain.previous.title, plain.next.title, plain.page) == ("Commode de style Louis XV", "Scie à format Altendorf F45", 1)
    furniture = CatalogueQuery(category="Mobilier")
    piano = await lot_view(db.sessions, sale_id, lots["Piano droit Yamaha"].id, furniture)
    assert (piano.previous.title, piano.next.title, piano.in_results) == ("Commode de style Louis XV", "Chaise 1", True)
    chair = await lot_view(db.sessions, sale_id, lots["Chaise 30"].id, furniture)
    assert chair.next is None and chair.page == 2              # 32nd furniture lot: on page 2
    outside = await lot_view(db.sessions, sale_id, lots["Œuvre sur toile"].id, furniture)
    assert not outside.in_results and outside.previous.title == "Lot de serre-joints"   # the search is dropped
    other_sale = await make_sale(db, reference="VJ-U")
    with pytest.raises(NotFound):
        await lot_view(db.sessions, other_sale, lots["Piano droit Yamaha"].id, CatalogueQuery())


async def test_a_search_for_a_lot_number_puts_that_lot_first(db):
    sale_id = await make_sale(db, extra=30)
    # "5" is lot 5 (the clamps) and also in the saw's text ("F45", "5,5 kW"), listed before it.
    assert (await titles(db, sale_id, q="5"))[:2] == ["Lot de serre-joints", "Scie à format Altendorf F45"]
    assert (await titles(db, sale_id, q="lot 5"))[0] == "Lot de serre-joints"
    # Lot 20 is "Chaise 14"; the other chairs whose name has "20" come after it, in catalogue order.
    assert await titles(db, sale_id, q="20") == ["Chaise 14", "Piano droit Yamaha", "Scie à format Altendorf F45",
                                                 "Chaise 20"]
    assert (await titles(db, sale_id, q="scie"))[0] == "Scie à format Altendorf F45"     # plain words: catalogue order
    async with db.sessions() as session:
        lots = {lot.title: lot for lot in await session.scalars(select(Lot).where(Lot.sale_id == sale_id))}
    query, _ = parse_query({"q": "20"})
    first = await lot_view(db.sessions, sale_id, lots["Chaise 14"].id, query)
    assert (first.previous, first.next.title, first.in_results, first.page) == (None, "Piano droit Yamaha", True, 1)
    piano = await lot_view(db.sessions, sale_id, lots["Piano droit Yamaha"].id, query)
    assert (piano.previous.title, piano.next.title) == ("Chaise 14", "Scie à format Altendorf F45")
    last = await lot_view(db.sessions, sale_id, lots["Chaise 20"].id, query)
    assert (last.previous.title, last.next) == ("Scie à format Altendorf F45", None)
