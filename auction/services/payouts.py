"""Paying a case's distribution: transfers (a SEPA pain.001 file) or cheques to the creditors and the
debtor, conservatory creditors' shares deposited at the Caisse des dépôts until their conversion
act, and, after a disagreement, every share deposited at once (R251-8); each deposit bears its fee
(A444-7, with its VAT), taken from the sums deposited. Each payout and deposit
is an append-only settlement event; the case is settled (`case_settled`) once nothing is left, and
the sale (`sale_settled`, status settled) once every case is and no money is on its way.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from auction.domain import distribution_log as dlog
from auction.domain import distribution_procedure as proc
from auction.domain import journal
from auction.domain.bank_accounts import clean_bic, clean_payee_iban
from auction.domain.deadlines import paris_day
from auction.domain.errors import InvalidValue
from auction.domain.money import apply_rate
from auction.domain.settlement_log import next_event
from auction.models import Case, Lot, Office, Sale
from auction.services import settlement_log
from auction.services.office import tariff_for
from auction.sepa import OrderingAccount, Transfer, credit_transfer_file

CHEQUE_MAX = 20


@dataclass(frozen=True)
class Payee:
    recipient: str
    name: str
    iban: str
    bic: str
    conservatory: bool = False


async def cdc_fee(sessions: async_sessionmaker, day: date) -> dict[str, int]:
    """A444-7: the fee of one deposit at the Caisse des dépôts on `day`, and the VAT on it (the tariff in
    force; refused, in French, when the rates of that day await the officer's confirmation)."""
    tariff = await tariff_for(sessions, day)
    return {"fee_cents": tariff.deposit_cents, "fee_vat_cents": apply_rate(tariff.deposit_cents, tariff.vat_rate)}


async def payees(session, case_id: int, plan: dict) -> dict[str, Payee]:
    case = await session.get(Case, case_id)
    found = {proc.DEBTOR: Payee(proc.DEBTOR, case.debtor_name, case.debtor_iban, case.debtor_bic)}
    await session.refresh(case, ["creditors"])
    conservatory = {share["creditor_id"] for share in plan["shares"] if share["conservatory"]}
    for creditor in case.creditors:
        key = dlog.creditor_key(creditor.id)
        found[key] = Payee(key, creditor.name, creditor.iban, creditor.bic, creditor.id in conservatory)
    return found


def end_to_end_id(sale_id: int, case_id: int, recipient: str, seq: int) -> str:
    who = "D" if recipient == proc.DEBTOR else "C" + recipient.split(":")[1]
    return f"CRIEE-{sale_id}-{case_id}-{who}-{seq}"


def _check_settles(events, sale_id: int, case_id: int, new: list[tuple[str, dict]], sale_day: date, now: datetime,
                   user_id: int) -> None:
    """Replay the case with the new events: refused unless the plan may be paid now."""
    trial = list(events)
    for kind, payload in new:
        trial.append(next_event(trial, sale_id, kind, payload, now, user_id))
    case = dlog.fold(trial)[case_id]
    dlog.state_of(case, sale_day=sale_day, single_creditor=case.plan["single_creditor"], today=paris_day(now))


async def pay(sessions: async_sessionmaker, sale_id: int, case_id: int, *, paid_on: date, cheques: dict[str, str],
              user_id: int, now: datetime, command_id: str | None = None) -> list[int]:
    """Pay every outstanding share of a final plan: by cheque where a number is given, else by transfer
    (the payee's IBAN must be valid); conservatory shares go to the Caisse des dépôts."""
    today = paris_day(now)
    if paid_on > today:
        raise InvalidValue("Cette date est dans le futur.", field="paid_on")
    deposit_fee = await cdc_fee(sessions, paid_on)
    async with settlement_log.transaction(sessions, sale_id) as tx:
        if (done := tx.find(command_id)) is not None:
            return [done.seq]
        case = dlog.planned_case(tx.events, case_id)
        outstanding = case.outstanding_cents()
        if case.settled_on is not None:
            raise proc.StepRefused("Tout est déjà payé pour ce dossier.")
        sale = await tx.session.get(Sale, sale_id)
        state = dlog.state_of(case, sale_day=paris_day(sale.starts_at), single_creditor=case.plan["single_creditor"],
                              today=today)
        if state.status not in (proc.Status.FINAL, proc.Status.AGREED):
            raise proc.StepRefused("Le projet n'est pas définitif : il ne peut pas encore être payé.")
        if not outstanding:        # nothing to share out (costs took everything): the case is closed as it is
            seq = tx.append("case_settled", settled_payload(case.plan, paid_on), user_id=user_id, now=now,
                            command_id=command_id).seq
            await settle_sale_if_done(tx, sale, paid_on, user_id=user_id, now=now)
            return [seq]
        found = await payees(tx.session, case_id, case.plan)
        new: list[tuple[str, dict]] = []
        deposit = {r: cents for r, cents in outstanding.items() if found[r].conservatory}
        if deposit:
            new.append(("deposit_with_cdc", dlog.deposit_payload(case_id, paid_on, dlog.DEPOSIT_CONSERVATORY, deposit,
                                                                 **deposit_fee)))
        for recipient, cents in sorted(outstanding.items()):
            if recipient in deposit:
                continue
            payee = found[recipient]
            payload = {"case_id": case_id, "recipient": recipient, "name": payee.name, "amount_cents": cents,
                       "paid_on": paid_on.isoformat()}
            number = (cheques.get(recipient) or "").strip()
            if number:
                if len(number) > CHEQUE_MAX or not number.isalnum():
                    raise InvalidValue(f"Numéro de chèque invalide pour {payee.name}.", field=f"cheque_{recipient}")
                payload |= {"means": "cheque", "reference": number}
            else:
                if not payee.iban:
                    raise InvalidValue(f"{payee.name} n'a pas d'IBAN : saisissez-le ou payez par chèque.",
                                       field=f"cheque_{recipient}")
                iban = clean_payee_iban(payee.iban, field=f"cheque_{recipient}")
                payload |= {"means": "transfer", "iban": iban, "bic": clean_bic(payee.bic, iban) or "",
                            "reference": end_to_end_id(sale_id, case_id, recipient, len(tx.events) + len(new) + 1)}
            new.append(("payout_made", payload))
        _check_settles(tx.events, sale_id, case_id, new, paris_day(sale.starts_at), now, user_id)
        seqs = [tx.append(kind, payload, user_id=user_id, now=now, command_id=command_id if i == 0 else None).seq
                for i, (kind, payload) in enumerate(new)]
        tx.append("case_settled", settled_payload(case.plan, paid_on), user_id=user_id, now=now)
        await settle_sale_if_done(tx, sale, paid_on, user_id=user_id, now=now)
        return seqs


async def settle_sale_if_done(tx, sale: Sale, on: date, *, user_id: int, now: datetime) -> bool:
    """The sale is settled once every case with lots in it is settled and no money is on its way
    (cash banked, cheques and transfers cleared, no refund due): what is left in the client
    account is the office's (fees, and the VAT it owes) and goes to its own account."""
    if sale.status != "closed":
        return False
    case_ids = set(await tx.session.scalars(select(Lot.case_id).where(Lot.sale_id == sale.id).distinct()))
    cases = dlog.fold(tx.events)
    if any(cases.get(case_id) is None or cases[case_id].settled_on is None for case_id in case_ids):
        return False
    ledger = journal.build(tx.events)
    balances = ledger.account_balances()
    if any(balances.get(account, 0) for account in (journal.CASH, journal.CHEQUES, journal.TRANSFERS)) \
            or ledger.refunds_due_cents:
        return False
    by_aux = ledger.balances()
    if any(by_aux.get((journal.PROCEEDS, journal.case(case_id)), 0) for case_id in case_ids):
        # a case is still owed money (a buyer's or a defaulter's) or holds some its plan did not share
        # (a defaulter's statement paid after the plan): the creditors', never the office's
        return False
    tx.append("sale_settled", {"on": on.isoformat(), "amount_cents": balances.get(journal.CLIENT_ACCOUNT, 0)},
              user_id=user_id, now=now)
    sale.status, sale.settled_at = "settled", now
    return True


def settled_payload(plan: dict, on: date) -> dict:
    """What the office keeps from the case's proceeds once it is settled: the seller's fees (excl. VAT
    and VAT) and the costs of the seizure and sale (the journal posts them)."""
    return {"case_id": plan["case_id"], "on": on.isoformat(),
            "seller_fees_cents": plan["seller_fees_cents"] - plan["seller_fees_vat_cents"],
            "seller_fees_vat_cents": plan["seller_fees_vat_cents"], "costs_cents": plan["costs_cents"]}


async def deposit_disputed(sessions: async_sessionmaker, sale_id: int, case_id: int, *, on: date, reference: str,
                           user_id: int, now: datetime, command_id: str | None = None) -> int:
    """R251-8: after the record of disagreement, every share (and the surplus) deposited at once."""
    if on > paris_day(now):
        raise InvalidValue("Cette date est dans le futur.", field="on")
    reference = (reference or "").strip()
    if not reference or len(reference) > 100:
        raise InvalidValue("Indiquez la référence de la consignation (100 caractères au plus).", field="reference")
    deposit_fee = await cdc_fee(sessions, on)
    async with settlement_log.transaction(sessions, sale_id) as tx:
        if (done := tx.find(command_id)) is not None:
            return done.seq
        case = dlog.planned_case(tx.events, case_id)
        payload = dlog.deposit_payload(case_id, on, dlog.DEPOSIT_DISAGREEMENT, case.outstanding_cents(),
                                       reference=reference, **deposit_fee)
        sale = await tx.session.get(Sale, sale_id)
        _check_settles(tx.events, sale_id, case_id, [("deposit_with_cdc", payload)], paris_day(sale.starts_at), now,
                       user_id)
        seq = tx.append("deposit_with_cdc", payload, user_id=user_id, now=now, command_id=command_id).seq
        tx.append("case_settled", settled_payload(case.plan, on), user_id=user_id, now=now)
        await settle_sale_if_done(tx, sale, on, user_id=user_id, now=now)
        return seq


async def transfer_file(sessions: async_sessionmaker, sale_id: int, case_id: int) -> bytes:
    """The pain.001 file of the case's transfers (the same file each time it is asked for: its
    creation time is the payouts' own)."""
    async with sessions() as session:
        office = await session.scalar(select(Office).order_by(Office.id).limit(1))
        events = await settlement_log.load_events(session, sale_id)
    case = dlog.fold(events).get(case_id)
    transfers = [p for p in (case.payouts if case else []) if p["means"] == "transfer"]
    if not transfers:
        raise InvalidValue("Aucun virement pour ce dossier.", field="transfers")
    if office is None:
        raise InvalidValue("Aucune étude n'est configurée.", field="office")
    execution = max(date.fromisoformat(p["paid_on"]) for p in transfers)
    recorded = max(e.at for e in events if e.kind == "payout_made" and e.payload["case_id"] == case_id)
    return credit_transfer_file(
        OrderingAccount(office.name, office.client_account_iban),
        [Transfer(p["name"], p["iban"], p["amount_cents"], f"Répartition vente {sale_id} dossier {case_id}",
                  p["reference"], p["bic"] or None) for p in transfers],
        execution_date=execution, message_id=f"CRIEE-{sale_id}-{case_id}-PAYOUTS", now=recorded)


async def record_conversion(sessions: async_sessionmaker, sale_id: int, case_id: int, *, recipient: str, on: date,
                            reference: str, user_id: int, now: datetime, command_id: str | None = None) -> int:
    """R251-5: a conservatory creditor's conversion act (its date and reference); what the Caisse des
    dépôts holds of its share is then recorded as paid to it from the CDC."""
    if on > paris_day(now):
        raise InvalidValue("Cette date est dans le futur.", field="conversion_on")
    reference = (reference or "").strip()
    if not reference or len(reference) > 100:
        raise InvalidValue("Indiquez la référence de l'acte de conversion (100 caractères au plus).",
                           field="conversion_reference")
    async with settlement_log.transaction(sessions, sale_id) as tx:
        if (done := tx.find(command_id)) is not None:
            return done.seq
        case = dlog.fold(tx.events).get(case_id)
        held = case.awaiting_conversion() if case else {}
        if recipient not in held:
            raise InvalidValue("Aucune part consignée de ce créancier n'attend son acte de conversion.",
                               field="conversion_recipient")
        deposited_on = max(date.fromisoformat(d["on"]) for d in case.deposits
                           if d["reason"] == dlog.DEPOSIT_CONSERVATORY and recipient in d["shares"])
        if on < deposited_on:
            raise InvalidValue("L'acte de conversion ne peut pas précéder la consignation de la part.",
                               field="conversion_on")
        name = next((s["name"] for s in case.plan["shares"] if dlog.creditor_key(s["creditor_id"]) == recipient),
                    recipient)
        payload = dlog.conversion_payload(case_id, recipient, name, on, reference, held[recipient])
        return tx.append("conversion_recorded", payload, user_id=user_id, now=now, command_id=command_id).seq
