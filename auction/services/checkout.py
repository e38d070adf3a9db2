"""What the cashier's screen shows for one buyer of a sale, read from the two logs and the registration:
the lots won (the bid log's hammers), what is owed, the deposit held, the payments, the balance, each
lot's state. Reading only; the use cases that append are in `payments.py` and `release.py` beside it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain import buyer_accounts, payments as rules
from auction.domain.bidlog import Event
from auction.domain.errors import DomainError
from auction.domain.release import LotStatus, SoldLot, StorageTerms, lot_statuses, releases, storage_due
from auction.domain.signing import TokenRefused, read_paddle_token
from auction.formats import to_paris
from auction.models import Lot, Registration, Sale

from . import log_cache
from .catalogue import NotFound

# The bid-log kinds that decide which lots are sold to whom (see auction.domain.room.apply).
RESULT_KINDS = ("lot_opened", "hammer", "lot_passed", "lot_reoffered", "lot_put_up_again_in_room", "lot_withdrawn")


# The lot states whose goods wait in store for their buyer, and so run storage fees.
STORED_STATES = frozenset({"adjuge", "mis_en_demeure", "paye"})


class UnknownPaddle(DomainError):
    code = "unknown_paddle"


def sale_day(sale: Sale) -> date:
    return to_paris(sale.starts_at).date()


def default_due_on(sale: Sale) -> date:
    """The payment deadline of the sale's conditions counted from its first day, for lots whose hammer
    day is unknown (`lot_statuses` counts `sale.payment_days` from each lot's own day)."""
    return sale_day(sale) + timedelta(days=sale.payment_days)


def storage_terms(sale: Sale) -> StorageTerms:
    return StorageTerms(free_days=sale.storage_free_days, fee_cents=sale.storage_fee_cents)


def hammer_results(rows: list[tuple[str, dict]]) -> dict[int, dict]:
    """lot_id → the hammer payload of each lot sold, folded from the result kinds in log order (a lot
    offered again loses its earlier result, as in the room)."""
    results: dict[int, dict] = {}
    for kind, payload in rows:
        if kind == "hammer":
            results[payload["lot_id"]] = payload
        else:
            results.pop(payload["lot_id"], None)
    return results


async def sold_lots(session: AsyncSession, sale_id: int, paddle: int | None = None) -> list[SoldLot]:
    """Every lot knocked down in the sale (or to one paddle), in catalogue order."""
    events = await log_cache.bid_events(session, sale_id)
    results = hammer_results([(event.kind, event.payload) for event in events if event.kind in RESULT_KINDS])
    sold_on = {event.payload["lot_id"]: to_paris(event.at).date() for event in events if event.kind == "hammer"}
    if paddle is not None:
        results = {lot_id: hammer for lot_id, hammer in results.items() if hammer["paddle"] == paddle}
    if not results:
        return []
    lots = await session.execute(select(Lot.id, Lot.number, Lot.number_suffix, Lot.title, Lot.position)
                                 .where(Lot.sale_id == sale_id, Lot.id.in_(list(results))))
    return sorted((SoldLot(lot_id, f"{number} {suffix}".strip(), title, results[lot_id]["paddle"],
                           results[lot_id]["amount_cents"], position, sold_on.get(lot_id))
                   for lot_id, number, suffix, title, position in lots), key=lambda lot: lot.position)


def buyer_of(registration: Registration) -> rules.Buyer:
    deposit = registration.solvency_amount_cents if registration.solvency_kind == "deposit" else 0
    return rules.Buyer(paddle=registration.paddle_number, registration_id=registration.id,
                       tax_residence=registration.bidder.tax_residence, buyer_type=registration.bidder.buyer_type,
                       deposit_cents=deposit or 0, deposit_method=registration.solvency_method if deposit else None)


async def registration_by_paddle(session: AsyncSession, sale_id: int, paddle: int) -> Registration:
    registration = await session.scalar(select(Registration).where(
        Registration.sale_id == sale_id, Registration.paddle_number == paddle, Registration.verified_at.is_not(None)))
    if registration is None:
        raise UnknownPaddle(f"Panneau {paddle} inconnu dans cette vente.", field="paddle")
    return registration


def card_of(secret: bytes, token: str, sale_id: int):
    """The paddle of a scanned card of this sale. At the cash desk an expired card still names its
    buyer (its validity is for bidding), but a forged or another sale's card is refused."""
    try:
        card = read_paddle_token(secret, token.strip())
    except TokenRefused as exc:
        raise UnknownPaddle(exc.message, field="card") from None
    if card.sale_id != sale_id:
        raise UnknownPaddle(f"Carte refusée : elle a été établie pour une autre vente (n° {card.sale_id}).",
                            field="card")
    return card


def parse_paddle(text: str) -> int:
    cleaned = (text or "").strip()
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) > 6:
        raise UnknownPaddle(f"Numéro de panneau illisible : « {cleaned[:20]} ». Tapez le numéro ou scannez la carte.",
                            field="paddle")
    return int(cleaned)


@dataclass(frozen=True)
class BuyerCheckout:
    sale: Sale
    registration: Registration
    buyer: rules.Buyer
    account: buyer_accounts.BuyerAccount
    lots: list[LotStatus]
    storage_lines: list[dict]          # storage now due and not charged yet
    today: date
    last_seq: int                      # the settlement log's last event when this was read
    statements: tuple[dict, ...] = ()  # the defaulter's statements (décomptes, réitération des enchères)

    @property
    def name(self) -> str:
        bidder = self.registration.bidder
        return bidder.full_name + (f" — {bidder.company_name}" if bidder.buyer_type == "company" else "")

    @property
    def hammer_cents(self) -> int:
        return sum(status.facts.lot.hammer_cents for status in self.lots)

    @property
    def deposit_available_cents(self) -> int:
        return max(0, self.buyer.deposit_cents - self.account.deposit_applied_cents)

    @property
    def storage_due_cents(self) -> int:
        return sum(line["total_cents"] for line in self.storage_lines)

    @property
    def releasable(self) -> list[LotStatus]:
        return [s for s in self.lots if s.state == "paye" and s.facts.release is None]

    @property
    def releases(self):
        return sorted({s.facts.release.seq: s.facts.release for s in self.lots if s.facts.release}.values(),
                      key=lambda r: r.seq)


def checkout_of(sale: Sale, registration: Registration, sold: list[SoldLot], events: list[Event],
                today: date) -> BuyerCheckout:
    paddle = registration.paddle_number
    mine = [lot for lot in sold if lot.paddle == paddle]
    statuses = lot_statuses(mine, events, today, default_due_on(sale), payment_days=sale.payment_days)
    account = buyer_accounts.accounts(events, {paddle}).get(paddle) or buyer_accounts.BuyerAccount(paddle, registration.id)
    collected = {lot_id for r in releases(events).values() if r.collected_on for lot_id in r.lot_ids}
    # Storage runs on the lots still the buyer's to collect; that of a lot in default goes on the
    # defaulter's statement (auction/domain/default_statements.py, storage_owed), through the day it is sold again.
    invoiced = [lot.lot_id for lot in mine if statuses[lot.lot_id].facts.invoiced
                and statuses[lot.lot_id].state in STORED_STATES]
    storage = storage_due(storage_terms(sale), sale_day(sale), account, invoiced, collected, today)
    statements = tuple(event.payload for event in events
                       if event.kind == "default_statement_issued" and event.payload["paddle"] == paddle)
    return BuyerCheckout(sale, registration, buyer_of(registration), account, list(statuses.values()), storage, today,
                         events[-1].seq if events else 0, statements)


async def buyer_checkout(sessions: async_sessionmaker[AsyncSession], sale_id: int, paddle: int,
                         now: datetime, *, card_registration_id: int | None = None) -> BuyerCheckout:
    async with sessions() as session:
        sale = await session.get(Sale, sale_id)
        if sale is None:
            raise NotFound()
        registration = await registration_by_paddle(session, sale_id, paddle)
        if card_registration_id is not None and card_registration_id != registration.id:
            raise UnknownPaddle("Carte refusée : ce panneau n'est plus valable (inscription annulée ou panneau "
                                "réattribué). Vérifiez l'inscription.", field="card")
        sold = await sold_lots(session, sale_id, paddle)
        events = await log_cache.settlement_events(session, sale_id)
    return checkout_of(sale, registration, sold, events, to_paris(now).date())
