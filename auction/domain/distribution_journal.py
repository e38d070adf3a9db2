"""The distribution's entries in the sale's journal (`journal.py` registers them through `posting`).

- a payout: the case's proceeds payable (467100, aux D<case>) paid out of the client account (512000);
- a deposit at the Caisse des dépôts: the same, the money going to the CDC less the deposit's fee
  (A444-7, 706300) and its VAT (445710), which the office keeps; a conservatory creditor's share
  also opens an off-balance line (801000, aux C<creditor>, against 809000) for what the CDC holds;
- a conversion act (R251-5): the CDC pays that creditor, the off-balance line closes;
- the case settled: what the office keeps from the proceeds, its seller's fees (706200) with their
  VAT (445710) and the costs of the seizure and sale (706300), leaves the proceeds payable;
- the sale settled: what is left in the client account (the office's fees and the VAT it owes the
  Trésor) goes to the office's own account (512100), and the client account is exactly 0.

Once a case is settled its proceeds account is 0: every euro went to a creditor, the debtor, the
Caisse des dépôts, the office or the Trésor.
"""
from __future__ import annotations

from datetime import date

from .bidlog import Event
from .distribution_log import DEPOSIT_CONSERVATORY, conservatory_held
from .journal import ACCOUNTS, CLIENT_ACCOUNT, PROCEEDS, SELLER_FEES, VAT_FEES, Ledger, Line, case, posting

PROCEDURE_COSTS = "706300"
# Off-balance (class 8): what the Caisse des dépôts holds of conservatory creditors' shares (aux C<id>)
# from their deposit until it pays them on their conversion act, against its counterpart.
CDC_HELD, CDC_COUNTERPART = "801000", "809000"
ACCOUNTS.setdefault(CDC_HELD, "Sommes consignées à la Caisse des dépôts (créanciers conservatoires)")
ACCOUNTS.setdefault(CDC_COUNTERPART, "Contrepartie des sommes consignées")
OFFICE_ACCOUNT = "512100"      # the office's own bank account, outside the client funds
ACCOUNTS.setdefault(PROCEDURE_COSTS, "Frais de la saisie et de la vente")
ACCOUNTS.setdefault(OFFICE_ACCOUNT, "Compte professionnel de l'étude")


@posting("payout_made", "BQ")
def _payout(ledger: Ledger, event: Event):
    p = event.payload
    who = p["name"]
    means = "chèque" if p["means"] == "cheque" else "virement"
    return (date.fromisoformat(p["paid_on"]), f"RP{event.seq}", f"Répartition dossier {p['case_id']} : {who} ({means})",
            [Line(PROCEEDS, debit=p["amount_cents"], aux=case(p["case_id"])),
             Line(CLIENT_ACCOUNT, credit=p["amount_cents"])])


@posting("deposit_with_cdc", "BQ")
def _deposit(ledger: Ledger, event: Event):
    """The shares deposited leave the case's proceeds; the CDC gets them less the deposit's fee
    (A444-7), which is the office's (its VAT the Trésor's) and stays in the client account until the
    sale is settled."""
    p = event.payload
    gross = sum(p["shares"].values())
    lines = [Line(PROCEEDS, debit=gross, aux=case(p["case_id"])), Line(CLIENT_ACCOUNT, credit=p["amount_cents"])]
    if p.get("fee_cents"):
        lines.append(Line(PROCEDURE_COSTS, credit=p["fee_cents"]))
    if p.get("fee_vat_cents"):
        lines.append(Line(VAT_FEES, credit=p["fee_vat_cents"]))
    if p["reason"] == DEPOSIT_CONSERVATORY:
        for recipient, cents in sorted(conservatory_held(p).items()):
            lines += [Line(CDC_HELD, debit=cents, aux=creditor_aux(recipient)), Line(CDC_COUNTERPART, credit=cents)]
    return (date.fromisoformat(p["on"]), f"CDC{event.seq}", f"Consignation Caisse des dépôts dossier {p['case_id']}",
            lines)


@posting("conversion_recorded", "OD")
def _conversion(ledger: Ledger, event: Event):
    """R251-5: on its conversion act, the CDC pays the conservatory creditor what it holds of its share."""
    p = event.payload
    return (date.fromisoformat(p["on"]), f"CV{event.seq}",
            f"Acte de conversion {p['reference']} : Caisse des dépôts à {p['name']}, dossier {p['case_id']}",
            [Line(CDC_COUNTERPART, debit=p["amount_cents"]),
             Line(CDC_HELD, credit=p["amount_cents"], aux=creditor_aux(p["recipient"]))])


def creditor_aux(recipient: str) -> str:
    return "C" + recipient.split(":")[1]


@posting("case_settled", "OD")
def _settled(ledger: Ledger, event: Event):
    p = event.payload
    kept = p["seller_fees_cents"] + p["seller_fees_vat_cents"] + p["costs_cents"]
    return (date.fromisoformat(p["on"]), f"RS{event.seq}", f"Frais retenus sur le produit, dossier {p['case_id']}",
            [Line(PROCEEDS, debit=kept, aux=case(p["case_id"])), Line(SELLER_FEES, credit=p["seller_fees_cents"]),
             Line(VAT_FEES, credit=p["seller_fees_vat_cents"]), Line(PROCEDURE_COSTS, credit=p["costs_cents"])])


@posting("sale_settled", "BQ")
def _sale_settled(ledger: Ledger, event: Event):
    p = event.payload
    return (date.fromisoformat(p["on"]), f"SV{event.seq}", "Vente soldée : honoraires et TVA virés au compte de l'étude",
            [Line(OFFICE_ACCOUNT, debit=p["amount_cents"]), Line(CLIENT_ACCOUNT, credit=p["amount_cents"])])
