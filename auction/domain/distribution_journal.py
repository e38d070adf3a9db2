"""The distribution's entries in the sale's journal (`journal.py` registers them through `posting`).

- a payout: the case's proceeds payable (467100, aux D<case>) paid out of the client account (512000);
- a deposit at the Caisse des dépôts: the same, the money going to the CDC less the deposit's fee
  (A444-7, 706300) and its VAT (445710), which the office keeps;
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
from .journal import ACCOUNTS, CLIENT_ACCOUNT, PROCEEDS, SELLER_FEES, VAT_FEES, Ledger, Line, case, posting

PROCEDURE_COSTS = "706300"
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
    return (date.fromisoformat(p["on"]), f"CDC{event.seq}", f"Consignation Caisse des dépôts dossier {p['case_id']}",
            lines)


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
