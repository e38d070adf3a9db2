"""`criee verify-funds SALE` and `criee fec SALE --out FILE`: the sale's journal recomputed from its
settlement log (auction.domain.journal), its balances printed, or written as a FEC file."""
from __future__ import annotations

from pathlib import Path

from auction.domain.errors import InvalidValue as CommandError   # `criee` prints it as one line (and `python -m
# auction.cli` runs a second copy of auction.cli, whose CommandError its main() would not catch)
from auction.domain.journal import ACCOUNTS, BUYERS, CLIENT_ACCOUNT, FUNDS_HELD, UnbalancedEntry, aux_label
from auction.domain.money import format_euros


def _euros(cents: int) -> str:
    """Balances as accountants read them: debit or credit, a plain space for thousands."""
    side = "débit" if cents > 0 else "crédit" if cents < 0 else "soldé"
    return f"{format_euros(abs(cents)).replace(chr(0x202f), ' ').replace(chr(0xa0), ' '):>16} {side}"


def _journal(args, settings):
    from auction.cli import _preflight, _run
    from auction.services.catalogue import NotFound
    from auction.services.funds import sale_journal

    _preflight(settings)
    try:
        return _run(lambda db: sale_journal(db.sessions, args.sale), settings)
    except NotFound:
        raise CommandError(f"Vente {args.sale} introuvable.") from None
    except UnbalancedEntry as exc:
        raise CommandError(f"Journal de la vente {args.sale} DÉSÉQUILIBRÉ : {exc}.") from None


def cmd_verify_funds(args, settings):
    funds = _journal(args, settings)
    journal = funds.journal
    print(f"Journal des fonds de la vente {args.sale} : {len(journal.entries)} écriture"
          f"{'s' if len(journal.entries) != 1 else ''}, débit {format_euros(journal.debit)}, "
          f"crédit {format_euros(journal.credit)}.")
    balances = journal.balances()
    for account in sorted({account for account, _ in balances}):
        total = sum(cents for (acc, _), cents in balances.items() if acc == account)
        print(f"  {account} {ACCOUNTS.get(account, account):<36} {_euros(total)}")
        if account == BUYERS:
            for (acc, aux), cents in balances.items():
                if acc == account and cents:
                    print(f"      {aux:<8} {aux_label(journal.names, aux)[:28]:<28} {_euros(cents)}")
    held = journal.funds_held_cents
    print(f"Fonds de tiers détenus ({' + '.join(FUNDS_HELD)}) : {format_euros(held)} ; "
          f"remboursements dus : {format_euros(journal.refunds_due_cents)}.")
    if not journal.balanced:
        raise CommandError(f"Journal de la vente {args.sale} DÉSÉQUILIBRÉ.")
    print("Journal équilibré.")
    client = journal.account_balances().get(CLIENT_ACCOUNT, 0)
    if funds.settled:
        if held:
            raise CommandError(f"Vente {args.sale} soldée mais le compte affecté n'est pas à zéro : "
                               f"{format_euros(held)} restent détenus.")
        print("Vente soldée : compte affecté à zéro.")
    else:
        print(f"Vente non soldée : le compte affecté ({CLIENT_ACCOUNT}) détient {format_euros(client)}.")


def cmd_fec(args, settings):
    from auction.domain import fec

    funds = _journal(args, settings)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise CommandError(f"--out : le dossier {out.parent} n'existe pas.")
    out.write_text(fec.write(funds.journal), encoding="utf-8", newline="")
    lines = sum(len(entry.lines) for entry in funds.journal.entries)
    print(f"FEC de la vente {args.sale} : {len(funds.journal.entries)} écritures, {lines} lignes, écrit dans {out}.")


def add_parsers(sub) -> None:
    funds = sub.add_parser("verify-funds", help="recompute a sale's journal from its settlement log and print "
                                                "each account's balance")
    funds.add_argument("sale", type=int, help="sale id")
    funds.set_defaults(func=cmd_verify_funds)
    export = sub.add_parser("fec", help="write a sale's journal as a FEC file (18 tab-separated columns)")
    export.add_argument("sale", type=int, help="sale id")
    export.add_argument("--out", required=True, help="the file to write")
    export.set_defaults(func=cmd_fec)
