"""`criee verify-log SALE`: the hash chains of a sale's bid log and settlement log recomputed, the
first broken link named; then each closed session's seal of the sale record checked
(auction.cli_sale_record)."""
from __future__ import annotations

from auction.domain.errors import InvalidValue as CommandError   # printed by `criee` as one line


def _events(count: int) -> str:
    return f"{count} événement{'s' if count != 1 else ''}"


def cmd_verify_log(args, settings):
    from auction.cli import _run
    from auction.cli_sale_record import verify_record_seals
    from auction.services import settlement_log
    from auction.services.room_loaders import verify_log

    async def verify(db):
        return await verify_log(db.sessions, args.sale), await settlement_log.verify(db.sessions, args.sale)
    (count, broken), (settled, settlement_broken) = _run(verify, settings)
    if broken is not None:
        raise CommandError(f"Journal de la vente {args.sale} ROMPU à l'événement {broken.seq} : {broken.reason}.")
    print(f"Journal de la vente {args.sale} intègre : {_events(count)}, chaîne vérifiée.")
    if settlement_broken is not None:
        raise CommandError(f"Journal après la vente {args.sale} ROMPU à l'événement {settlement_broken.seq} : "
                           f"{settlement_broken.reason}.")
    print(f"Journal après la vente {args.sale} intègre : {_events(settled)}, chaîne vérifiée.")
    verify_record_seals(args.sale, settings)


def add_parsers(sub) -> None:
    verify = sub.add_parser("verify-log", help="recompute the hash chains of a sale's bid log and settlement log")
    verify.add_argument("sale", type=int, help="sale id")
    verify.set_defaults(func=cmd_verify_log)
