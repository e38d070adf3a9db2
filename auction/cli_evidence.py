"""`criee evidence SALE --lot N|--session N --out FILE` writes a lot's or a session's evidence file
(PDF or JSON); `criee verify-evidence FILE` checks such a JSON on its own, without a database."""
from __future__ import annotations

from auction.domain.errors import InvalidValue as CommandError   # printed by `criee` as one line


def cmd_evidence(args, settings):
    """A lot's or a session's evidence file, PDF or JSON (by the --out file's extension)."""
    from pathlib import Path

    from auction.cli import _preflight, _run
    from auction.domain.evidence import NothingToShow
    from auction.models import utcnow
    from auction.services import evidence
    from auction.services.catalogue import NotFound

    out = Path(args.out)
    form = out.suffix.lower().lstrip(".")
    if form not in evidence.FORMATS:
        raise CommandError("--out : un fichier .pdf ou .json.")
    if (args.lot is None) == (args.session is None):
        raise CommandError("Indiquez --lot NUMÉRO ou --session N.")
    _preflight(settings)

    async def produce(db):
        lot_id = await evidence.lot_by_label(db.sessions, args.sale, args.lot) if args.lot is not None else None
        return await evidence.produce(db.sessions, args.sale, form=form, user_id=None, now=utcnow(),
                                      scope="lot" if lot_id is not None else "session", lot_id=lot_id,
                                      session_number=args.session)
    try:
        content, _ = _run(produce, settings)
    except NotFound:
        raise CommandError(f"Vente {args.sale} ou lot {args.lot} introuvable.") from None
    except NothingToShow as exc:
        raise CommandError(exc.message) from None
    try:
        out.write_bytes(content)
    except OSError as exc:
        raise CommandError(f"--out : impossible d'écrire {out} ({exc.strerror}).") from None
    print(f"Dossier de preuve écrit dans {out} ({len(content)} octets).")


def cmd_verify_evidence(args, settings):
    """An evidence file's JSON checked on its own (no database): its chain, its seals, its entries."""
    import json
    from pathlib import Path

    from auction.domain.evidence_verify import verify_document

    try:
        document = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"{args.file} : impossible de lire le fichier ({exc.strerror}).") from None
    except ValueError:
        raise CommandError(f"{args.file} : ce n'est pas un fichier JSON lisible.") from None
    verdict = verify_document(document)
    if not verdict.ok:
        first = verdict.first
        where = f"à l'événement {first.seq}" if first.seq is not None else "dans le fichier"
        more = len(verdict.problems) - 1
        raise CommandError(f"Dossier de preuve {args.file} ROMPU {where} : {first.reason}"
                           + (f" (et {more} autre{'s' if more > 1 else ''} problème{'s' if more > 1 else ''})."
                              if more else "."))
    sealed = ("scellée : c'est celle du procès-verbal de la séance close" if verdict.sealed else
              "non scellée : la séance n'était pas close")
    print(f"Dossier de preuve {args.file} intègre : {verdict.events} événement{'s' if verdict.events != 1 else ''} "
          f"chaînés jusqu'à l'événement {verdict.head_seq}, empreinte de tête {verdict.head_hash} ({sealed}).")


def add_parsers(sub) -> None:
    produce = sub.add_parser("evidence", help="write the evidence file of a lot or a session (PDF or JSON)")
    produce.add_argument("sale", type=int, help="sale id")
    produce.add_argument("--lot", help="the lot's number, as the catalogue prints it")
    produce.add_argument("--session", type=int, help="the session's number")
    produce.add_argument("--out", required=True, help="file to write: .pdf or .json")
    produce.set_defaults(func=cmd_evidence)
    evidence = sub.add_parser("verify-evidence", help="recompute the hash chain of an evidence file (its JSON) "
                                                      "and check its entries against it; no database needed")
    evidence.add_argument("file", help="the evidence file, JSON")
    evidence.set_defaults(func=cmd_verify_evidence)
