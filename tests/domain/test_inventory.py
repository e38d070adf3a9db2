"""The seizure inventory as a legal record (CPCE R221-16)."""
from dataclasses import replace
from datetime import date

import pytest

from auction.domain.inventory import (AMICABLE_SALE_NOTICE, CUSTODY_NOTICE, ActContent, ActSigned, Item,
                                      MentionsMissing, TitleReference, check_can_sign, missing_mentions,
                                      refuse_if_signed)

COMPLETE = ActContent(
    kind="seizure", case_reference="SV-1", debtor_name="M. Roche",
    title=TitleReference("Jugement", "Tribunal judiciaire de Lyon", date(2026, 1, 15)),
    act_date=date(2026, 9, 1), place="27 rue Victor-Hugo, 69006 Lyon",
    present_persons="M. Julien Roche, débiteur\nMe Claire Lefèvre", prior_seizures_statement="Aucune saisie antérieure.",
    custody_notice=CUSTODY_NOTICE, amicable_sale_notice=AMICABLE_SALE_NOTICE,
    enforcement_court="juge de l'exécution du tribunal judiciaire de Lyon",
    items=(Item(1, "Canapé d'angle en cuir cognac", 1, "usures aux accoudoirs", 30000),),
)


def test_r221_16_a_complete_act_may_be_signed():
    assert missing_mentions(COMPLETE) == []
    assert check_can_sign(COMPLETE, already_signed=False) == COMPLETE.digest()


@pytest.mark.parametrize("change, words", [
    ({"title": TitleReference("", "", None)}, "titre exécutoire"),
    ({"items": ()}, "inventaire détaillé"),
    ({"items": (Item(1, "Canapé", 1, ""),)}, "bien n° 1"),
    ({"prior_seizures_statement": " "}, "saisies antérieures"),
    ({"custody_notice": ""}, "indisponibilité"),
    ({"amicable_sale_notice": ""}, "vente amiable"),
    ({"enforcement_court": ""}, "juge de l'exécution"),
    ({"present_persons": ""}, "personnes présentes"),
    ({"act_date": None}, "date de l'acte"),
    ({"place": ""}, "lieu"),
])
def test_r221_16_each_missing_mention_blocks_signing_and_is_named(change, words):
    act = replace(COMPLETE, **change)
    with pytest.raises(MentionsMissing, match=words):
        check_can_sign(act, already_signed=False)


def test_r221_36_verification_lists_missing_or_damaged_items_of_the_first_act():
    verification = replace(COMPLETE, kind="verification", parent_digest=COMPLETE.digest(), items=(
        Item(1, "Canapé d'angle", 1, "lacéré", refers_to_position=1, finding="damaged"),))
    assert missing_mentions(verification) == []
    orphan = replace(verification, items=(Item(1, "Canapé", 1, "x", finding="damaged"),))
    assert any("bien d'origine" in m for m in missing_mentions(orphan))
    assert any("d'origine, signé" in m for m in missing_mentions(replace(verification, parent_digest=None)))


def test_a_correction_says_what_it_corrects():
    correction = replace(COMPLETE, kind="correction", parent_digest="ab" * 32, items=())
    assert any("rectification" in m for m in missing_mentions(correction))
    assert missing_mentions(replace(correction, correction_note="Le bien n° 1 est en cuir noir.")) == []


def test_digest_covers_every_word_of_the_act():
    assert COMPLETE.digest() == replace(COMPLETE).digest()
    assert len(COMPLETE.digest()) == 64
    changed = replace(COMPLETE, items=(replace(COMPLETE.items[0], quantity=2),))
    assert changed.digest() != COMPLETE.digest()
    assert replace(COMPLETE, place="ailleurs").digest() != COMPLETE.digest()


def test_a_signed_act_is_frozen():
    with pytest.raises(ActSigned):
        check_can_sign(COMPLETE, already_signed=True)
    with pytest.raises(ActSigned, match="rectificatif"):
        from datetime import datetime, timezone
        refuse_if_signed(datetime(2026, 9, 1, tzinfo=timezone.utc))
