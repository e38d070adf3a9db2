"""What a buyer's cleared money covers, lot by lot (auction.domain.buyer_accounts): cleared payments
less refunds paid, spread over the lots in lot order; a lot is paid once its share is covered."""
from __future__ import annotations

from .buyer_accounts import BuyerAccount


def lot_shares(account: BuyerAccount) -> list[tuple[int, int]]:
    """(lot_id, what the lot still costs the buyer) in lot order: invoice lines less credit notes,
    plus the storage fees charged on the lot."""
    storage: dict[int, int] = {}
    for charge in account.storage:
        for lot_id, _days, cents in charge.lots:
            storage[lot_id] = storage.get(lot_id, 0) + cents
    shares: dict[int, int] = {}
    for invoice in sorted(account.invoices, key=lambda i: i.number):
        for line in invoice.lines:
            shares[line.lot_id] = shares.get(line.lot_id, 0) + line.due_cents
    return [(lot_id, share + storage.get(lot_id, 0)) for lot_id, share in shares.items()]


def allocate(account: BuyerAccount) -> dict[int, int]:
    """Cleared payments (less refunds paid) spread over the buyer's lots in lot order: lot_id → covered."""
    available = account.cleared_cents - account.refunded_cents
    covered = {}
    for lot_id, share in lot_shares(account):
        take = max(0, min(share, available))
        covered[lot_id] = take
        available -= take
    return covered


def paid_lots(account: BuyerAccount) -> set[int]:
    """The lots whose share cleared payments cover (a fully credited lot owes nothing: not counted)."""
    covered = allocate(account)
    return {lot_id for lot_id, share in lot_shares(account) if share > 0 and covered[lot_id] >= share}
