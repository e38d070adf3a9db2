"""What the clerk records of publicity acts (auction.domain.publication_acts): R221-35's means of
telling the debtor, and an act recorded once done."""
import pytest

from auction.domain.errors import InvalidValue
from auction.domain.publication_acts import check_act_moment, clean_debtor_notice_means

from .test_publication import paris


@pytest.mark.parametrize("means", ["simple_letter", "email"])
def test_r221_35_a_simple_letter_or_an_email_needs_no_proof(means):
    cleaned = clean_debtor_notice_means(means, "", "", has_proof=False)
    assert (cleaned.means, cleaned.detail, cleaned.reference) == (means, "", "")
    assert clean_debtor_notice_means(means, "  debiteur@exemple.fr ", "", False).detail == "debiteur@exemple.fr"


def test_r221_35_another_appropriate_means_is_described_and_needs_no_proof():
    with pytest.raises(InvalidValue, match="Décrivez le moyen") as refused:
        clean_debtor_notice_means("other", "", "", has_proof=False)
    assert refused.value.field == "means_detail"
    with pytest.raises(InvalidValue, match="Décrivez le moyen"):
        clean_debtor_notice_means("other", " SMS ", "", has_proof=True)          # four letters: not a description
    assert clean_debtor_notice_means("other", "SMS 1", "", has_proof=False).detail == "SMS 1"
    with pytest.raises(InvalidValue, match="500 caractères") as refused:
        clean_debtor_notice_means("other", "x" * 501, "", False)
    assert refused.value.field == "means_detail"


@pytest.mark.parametrize("means", ["registered_letter", "served_act", "hand_delivery"])
def test_r221_35_a_registered_letter_an_act_or_a_hand_delivery_keeps_its_reference_or_proof(means):
    with pytest.raises(InvalidValue, match="référence") as refused:
        clean_debtor_notice_means(means, "", "  ", has_proof=False)
    assert refused.value.field == "reference"
    assert clean_debtor_notice_means(means, "", "LRAR 1A 234", has_proof=False).reference == "LRAR 1A 234"
    assert clean_debtor_notice_means(means, "", "", has_proof=True).reference == ""


def test_r221_35_an_unknown_means_is_refused():
    with pytest.raises(InvalidValue, match="moyen") as refused:
        clean_debtor_notice_means("pigeon", "", "x", True)
    assert refused.value.field == "means"


def test_an_act_is_recorded_once_done():
    now = paris(2026, 11, 20, 10)
    check_act_moment(paris(2026, 11, 20, 9), now)
    with pytest.raises(InvalidValue, match="à venir"):
        check_act_moment(paris(2026, 11, 21, 9), now)
