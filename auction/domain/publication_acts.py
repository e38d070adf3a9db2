"""What the clerk records of a sale's publicity acts (posters, press, web; the debtors' notice,
R221-35), checked before it is kept: done, never in the future; the notice's means; the proof's type.
The legal delays the acts must meet: auction.domain.publication."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .errors import InvalidValue
from .publication import paris_day
from .uploads import MAX_DOCUMENT_BYTES, document_type

ACT_KINDS = {
    "poster_town_hall": "Affiche en mairie",
    "poster_sale_place": "Affiche au lieu de la vente",
    "press": "Insertion dans la presse",
    "web": "Publication sur le site",
}
DEBTOR_NOTICE_MEANS = {   # R221-35: "par lettre simple ou par tout moyen approprié"
    "simple_letter": "Lettre simple",
    "registered_letter": "Lettre recommandée avec avis de réception",
    "served_act": "Acte de commissaire de justice (signification)",
    "hand_delivery": "Remise en main propre contre récépissé",
    "email": "Courrier électronique",
    "other": "Autre moyen approprié (à décrire)",
}
FORMAL_MEANS = ("registered_letter", "served_act", "hand_delivery")   # each leaves a number or a receipt
MAX_MEANS_DETAIL = 500


def check_act_moment(done_at: datetime, now: datetime, *, field_name: str = "done_on") -> None:
    """A publication act is recorded once done: never in the future."""
    if paris_day(done_at) > paris_day(now) or done_at > now + timedelta(minutes=5):
        raise InvalidValue("Cette date est à venir : enregistrez l'affichage une fois fait.", field=field_name)


def check_day_not_future(day: date, now: datetime, field_name: str, label: str) -> None:
    if day > paris_day(now):
        raise InvalidValue(f"{label} : la date ne peut pas être à venir.", field=field_name)


@dataclass(frozen=True)
class DebtorNoticeMeans:
    means: str
    detail: str           # how: the address written to, the e-mail address, the other means described
    reference: str        # the letter's or the act's number


def clean_debtor_notice_means(means: str, detail: str, reference: str, has_proof: bool) -> DebtorNoticeMeans:
    """R221-35: the debtor is told "by simple letter or any appropriate means". A registered letter, a
    served act or a hand delivery gives a number or a receipt: its reference or its proof is asked.
    A simple letter, an e-mail or another means may leave no proof: none is asked; another means is
    described."""
    if means not in DEBTOR_NOTICE_MEANS:
        raise InvalidValue("Choisissez le moyen d'information.", field="means")
    detail = " ".join((detail or "").split())
    reference = " ".join((reference or "").split())
    if len(detail) > MAX_MEANS_DETAIL:
        raise InvalidValue(f"Précision : {MAX_MEANS_DETAIL} caractères au plus.", field="means_detail")
    if len(reference) > 200:
        raise InvalidValue("Référence : 200 caractères au plus.", field="reference")
    if means == "other" and len(detail) < 5:
        raise InvalidValue("Décrivez le moyen employé (par exemple : message SMS au numéro du débiteur, "
                           "appel téléphonique, avis déposé au domicile).", field="means_detail")
    if means in FORMAL_MEANS and not reference and not has_proof:
        raise InvalidValue("Indiquez la référence de l'acte ou de la lettre, ou joignez la preuve.", field="reference")
    return DebtorNoticeMeans(means, detail, reference)


MAX_PROOF_BYTES = MAX_DOCUMENT_BYTES


def sniff_proof(content: bytes) -> str:
    """The type of an uploaded proof (a photo of the poster, a scan of the newspaper or of the receipt),
    from its first bytes, never from its name."""
    if not content:
        raise InvalidValue("Joignez la preuve : une photo (JPEG, PNG) ou un PDF.", field="proof")
    if len(content) > MAX_PROOF_BYTES:
        raise InvalidValue("Preuve trop lourde : 10 Mo au plus.", field="proof")
    kind = document_type(content)
    if kind is not None:
        return kind
    raise InvalidValue("Format refusé : la preuve doit être une photo JPEG ou PNG, ou un PDF.", field="proof")
