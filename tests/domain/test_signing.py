"""Signed tokens: paddle cards (QR) and e-mail confirmation links."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from auction.domain.signing import (PADDLE_CARD_VALIDITY, TokenExpired, TokenForged, TokenOtherSale,
                                    email_confirmation_registration, paddle_card_expiry, read_paddle_token,
                                    sign_email_confirmation, sign_paddle_token, verify_email_confirmation,
                                    verify_paddle_token)

SECRET = b"test-secret-" + b"x" * 40
NOW = datetime(2026, 12, 12, 13, 0, tzinfo=timezone.utc)
EXPIRES = NOW + timedelta(days=3)


def token(sale=7, registration=42, paddle=12, expires=EXPIRES, secret=SECRET):
    return sign_paddle_token(secret, sale, registration, paddle, expires)


def test_a_card_token_round_trips_and_holds_no_personal_data():
    value = token()
    assert re.fullmatch(r"[A-Z0-9-]+", value), "a USB scanner types it; QR alphanumeric mode holds it"
    card = verify_paddle_token(SECRET, value, 7, NOW)
    assert (card.sale_id, card.registration_id, card.paddle) == (7, 42, 12)
    assert card.expires_at == EXPIRES.replace(microsecond=0)
    assert value.split("-")[:5] == ["P1", "7", "42", "12", str(int(EXPIRES.timestamp()))]


def test_a_scanner_typing_lower_case_or_spaces_is_still_read():
    assert verify_paddle_token(SECRET, f"  {token().lower()}\n", 7, NOW).paddle == 12


@pytest.mark.parametrize("alter", [
    lambda t: t.replace("-12-", "-13-"),                       # another paddle
    lambda t: t.replace("P1-7-42", "P1-7-43"),                 # another registration
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),         # signature changed
    lambda t: "-".join(t.split("-")[:4] + [str(int(t.split("-")[4]) + 86400)] + t.split("-")[5:]),  # later expiry
])
def test_an_altered_card_is_refused(alter):
    with pytest.raises(TokenForged, match="signature"):
        verify_paddle_token(SECRET, alter(token()), 7, NOW)


def test_a_card_signed_with_another_secret_is_refused():
    with pytest.raises(TokenForged):
        verify_paddle_token(SECRET, token(secret=b"another-secret-" + b"y" * 40), 7, NOW)


@pytest.mark.parametrize("garbage", ["", "12", "P1-7-42-12", "hello world", "P1-7-42-12-99-" + "A" * 31,
                                     "P2-7-42-12-1700000000-" + "A" * 32])
def test_something_else_than_a_card_is_refused(garbage):
    with pytest.raises(TokenForged, match="Carte"):
        verify_paddle_token(SECRET, garbage, 7, NOW)


def test_a_card_of_another_sale_is_refused():
    with pytest.raises(TokenOtherSale, match="autre vente"):
        verify_paddle_token(SECRET, token(sale=8), 7, NOW)


def test_an_expired_card_is_refused():
    with pytest.raises(TokenExpired, match="expiré"):
        verify_paddle_token(SECRET, token(expires=NOW), 7, NOW)
    with pytest.raises(TokenExpired):
        verify_paddle_token(SECRET, token(), 7, EXPIRES + timedelta(seconds=1))


def test_reading_an_old_card_checks_only_its_signature():
    old = token(sale=3, expires=NOW - timedelta(days=300))
    assert read_paddle_token(SECRET, old).sale_id == 3
    with pytest.raises(TokenForged):
        read_paddle_token(SECRET, old[:-2] + "22")


def test_card_expiry_follows_the_sale():
    assert paddle_card_expiry(NOW) == NOW + PADDLE_CARD_VALIDITY


def test_the_secret_must_be_bytes_of_some_length():
    with pytest.raises(ValueError):
        sign_paddle_token(b"short", 1, 1, 1, EXPIRES)
    with pytest.raises(ValueError):
        sign_paddle_token("a text secret of sufficient length", 1, 1, 1, EXPIRES)  # type: ignore[arg-type]


def test_email_confirmation_round_trips():
    link = sign_email_confirmation(SECRET, 42, "Lea@Exemple.fr", EXPIRES)
    assert "@" not in link and "exemple" not in link
    assert email_confirmation_registration(link) == 42
    assert verify_email_confirmation(SECRET, link, "lea@exemple.fr", NOW) == 42


def test_email_confirmation_refusals():
    link = sign_email_confirmation(SECRET, 42, "lea@exemple.fr", EXPIRES)
    with pytest.raises(TokenForged):
        verify_email_confirmation(SECRET, link, "autre@exemple.fr", NOW)        # the address changed since
    with pytest.raises(TokenForged):
        verify_email_confirmation(SECRET, link.replace("42.", "43.", 1), "lea@exemple.fr", NOW)
    with pytest.raises(TokenExpired, match="expiré"):
        verify_email_confirmation(SECRET, link, "lea@exemple.fr", EXPIRES)
    with pytest.raises(TokenForged):
        email_confirmation_registration("n'importe quoi")


def test_a_card_token_is_no_email_link_and_the_reverse():
    card = token()
    with pytest.raises(TokenForged):
        email_confirmation_registration(card)
    with pytest.raises(TokenForged):
        verify_paddle_token(SECRET, sign_email_confirmation(SECRET, 42, "a@b.fr", EXPIRES), 7, NOW)
