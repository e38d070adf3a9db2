"""`criee distribution SALE [--json]`: each case's distribution of the proceeds (the drafted plan,
else the one that would be drafted today), its status and its open deadlines."""
from __future__ import annotations

import json

from auction.domain.errors import DomainError
from auction.domain.errors import InvalidValue as CommandError   # printed by `criee` as one line
from auction.domain.money import format_euros


def cmd_distribution(args, settings):
    from auction.cli import _preflight, _run
    from auction.models import utcnow
    from auction.services.distribution import summary

    _preflight(settings)
    try:
        found = _run(lambda db: summary(db.sessions, args.sale, utcnow()), settings)
    except DomainError as exc:
        raise CommandError(f"Vente {args.sale} : {exc.message}") from None
    if args.json:
        print(json.dumps(found, ensure_ascii=False, indent=2))
        return
    print(f"Répartition du produit de la vente {found['sale_id']} ({found['sale_day']}) :")
    for case in found["cases"]:
        print(f"  Dossier {case['reference']} — {case['status']}{' (projet établi)' if case['drafted'] else ''}")
        print(f"    produit {format_euros(case['proceeds_cents'])}, frais vendeur {format_euros(case['seller_fees_cents'])}, "
              f"frais {format_euros(case['costs_cents'])}, à répartir {format_euros(case['distributable_cents'])}")
        for creditor in case["creditors"]:
            print(f"    rang {creditor['rank']} {creditor['name']} : {format_euros(creditor['share_cents'])} "
                  f"sur {format_euros(creditor['claim_cents'])}")
        print(f"    débiteur : {format_euros(case['debtor_cents'])}")
        for deadline in case["deadlines"]:
            print(f"    échéance {deadline['due']} : {deadline['label']}")


def add_parsers(sub) -> None:
    parser = sub.add_parser("distribution", help="each case's distribution of a sale's proceeds")
    parser.add_argument("sale", type=int, help="sale id")
    parser.add_argument("--json", action="store_true", help="print the distribution as JSON, for scripts")
    parser.set_defaults(func=cmd_distribution)
