"""The demo office's vigilance thresholds and its delay for the quarterly declaration, entered by its
officer as a real one does on the Vigilance and Déclarations pages. With them, the held sale's phone
buyer, whose second cheque was drawn by someone else (demo_checkout.py), is flagged at the checkout
for the officer: a payment by a third party, no decision taken yet."""
from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain import declarations as dec
from auction.domain import vigilance as v

from . import declarations, vigilance
from .demo_held_sale import HeldSale

DEMO_THRESHOLDS = v.Thresholds(date(2026, 1, 1), cash_share_percent=80, cash_payments_count=3, cash_window_days=30,
                               estimate_ratio_percent=300,
                               reference="Démonstration : procédure interne de vigilance de l'étude, version 2026")
DEMO_TERMS = dec.Terms(date(2026, 1, 1), 30, "Démonstration : délai à confirmer auprès de la chambre régionale")


async def seed_vigilance(sessions: async_sessionmaker[AsyncSession], held: HeldSale) -> None:
    await vigilance.add_thresholds(sessions, DEMO_THRESHOLDS, held.officer_id, held.now)
    await declarations.add_terms(sessions, DEMO_TERMS, held.officer_id, held.now)
