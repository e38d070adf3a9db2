"""`criee sale-record SALE --out FILE`: a sale's record (procès-verbal de vente) as it stands, PDF/A;
and the check of its closed sessions' seals that `criee verify-log` runs after the logs' chains."""
from __future__ import annotations

from auction.domain.errors import InvalidValue as CommandError   # printed by `criee` as one line


def verify_record_seals(sale_id: int, settings) -> None:
    """Each closed session's seal (the sale record's frozen part) against the log and its PDF."""
    from auction.cli import _run
    from auction.models import RecordSeal
    from auction.services.sale_record import verify_seals
    from sqlalchemy import func, select

    async def verify(db):
        async with db.sessions() as session:
            count = await session.scalar(select(func.count()).select_from(RecordSeal)
                                         .where(RecordSeal.sale_id == sale_id))
        return count, await verify_seals(db.sessions, settings.private_dir, sale_id)
    count, problems = _run(verify, settings)
    if problems:
        raise CommandError(f"Procès-verbal de la vente {sale_id} : " + " ; ".join(problems) + ".")
    print(f"Procès-verbal de la vente {sale_id} : {count} séance{'s' if count != 1 else ''} close"
          f"{'s' if count != 1 else ''}, empreintes vérifiées.")


def cmd_sale_record(args, settings):
    from pathlib import Path

    from auction.cli import _run
    from auction.services.catalogue import NotFound
    from auction.services.sale_record import sale_record_pdf

    async def render(db):
        return await sale_record_pdf(db.sessions, args.sale)
    try:
        pdf, _ = _run(render, settings)
    except NotFound:
        raise CommandError(f"Vente {args.sale} introuvable.") from None
    try:
        Path(args.out).write_bytes(pdf)
    except OSError as exc:
        raise CommandError(f"--out : impossible d'écrire {args.out} ({exc.strerror}).") from None
    print(f"Procès-verbal de la vente {args.sale} écrit dans {args.out} ({len(pdf)} octets, PDF/A).")


def add_parsers(sub) -> None:
    record = sub.add_parser("sale-record", help="write a sale's record (procès-verbal de vente) as it stands, PDF/A")
    record.add_argument("sale", type=int, help="sale id")
    record.add_argument("--out", required=True, help="the PDF file to write")
    record.set_defaults(func=cmd_sale_record)
