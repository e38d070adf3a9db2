"""Signed tokens: the paddle card's QR code and the e-mail confirmation link.

Both are HMAC-SHA256 with the server secret (passed in as bytes), under a key derived per purpose,
so a token made for one use is never accepted for another. Neither carries personal data.

A paddle card token reads `P1-<sale>-<registration>-<paddle>-<expiry>-<signature>`: upper-case
letters, digits and dashes only, so that a USB scanner types it reliably and the QR code can use its
compact alphanumeric mode. The expiry is a Unix time; the signature is 160 bits in base 32.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .errors import DomainError

PADDLE_TOKEN_VERSION = "P1"
# A card stays valid this long after the sale starts (a sale may run over several sessions).
PADDLE_CARD_VALIDITY = timedelta(days=7)
EMAIL_LINK_VALIDITY = timedelta(days=7)
SIGNATURE_BYTES = 20
PADDLE_TOKEN = re.compile(r"^P1-(\d{1,12})-(\d{1,12})-(\d{1,6})-(\d{1,12})-([A-Z2-7]{32})$")
EMAIL_TOKEN = re.compile(r"^(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$")


class TokenRefused(DomainError):
    """A token that must not be accepted; the message says why, in French."""

    code = "token_refused"


class TokenForged(TokenRefused):
    code = "token_forged"


class TokenExpired(TokenRefused):
    code = "token_expired"


class TokenOtherSale(TokenRefused):
    code = "token_other_sale"


def _key(secret: bytes, purpose: str) -> bytes:
    if not isinstance(secret, bytes) or len(secret) < 16:
        raise ValueError("the signing secret must be at least 16 bytes")
    return hmac.new(secret, f"criee/{purpose}".encode(), hashlib.sha256).digest()


def _mac(secret: bytes, purpose: str, message: str) -> bytes:
    return hmac.new(_key(secret, purpose), message.encode(), hashlib.sha256).digest()


def _epoch(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return int(moment.timestamp())


# --- paddle cards ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PaddleToken:
    sale_id: int
    registration_id: int
    paddle: int
    expires_at: datetime


def _paddle_signature(secret: bytes, sale_id: int, registration_id: int, paddle: int, expiry: int) -> str:
    message = f"{PADDLE_TOKEN_VERSION}|{sale_id}|{registration_id}|{paddle}|{expiry}"
    return base64.b32encode(_mac(secret, "paddle-card", message)[:SIGNATURE_BYTES]).decode()


def sign_paddle_token(secret: bytes, sale_id: int, registration_id: int, paddle: int, expires_at: datetime) -> str:
    expiry = _epoch(expires_at)
    signature = _paddle_signature(secret, sale_id, registration_id, paddle, expiry)
    return f"{PADDLE_TOKEN_VERSION}-{sale_id}-{registration_id}-{paddle}-{expiry}-{signature}"


def read_paddle_token(secret: bytes, token: str) -> PaddleToken:
    """Check the signature only (any sale, even expired): identifies the bidder of an earlier card."""
    match = PADDLE_TOKEN.match((token or "").strip().upper())
    if not match:
        raise TokenForged("Carte non reconnue : ce n'est pas une carte de panneau Criée.")
    sale_id, registration_id, paddle, expiry = (int(match.group(i)) for i in range(1, 5))
    expected = _paddle_signature(secret, sale_id, registration_id, paddle, expiry)
    if not hmac.compare_digest(expected, match.group(5)):
        raise TokenForged("Carte refusée : sa signature est invalide (carte falsifiée ou modifiée).")
    return PaddleToken(sale_id, registration_id, paddle, datetime.fromtimestamp(expiry, timezone.utc))


def verify_paddle_token(secret: bytes, token: str, sale_id: int, now: datetime) -> PaddleToken:
    """A card to bid in sale `sale_id` now: signed by us, for this sale, not expired."""
    card = read_paddle_token(secret, token)
    if card.sale_id != sale_id:
        raise TokenOtherSale(f"Carte refusée : elle a été établie pour une autre vente (n° {card.sale_id}).")
    if now >= card.expires_at:
        raise TokenExpired("Carte refusée : elle a expiré. Imprimez une nouvelle carte depuis l'inscription.")
    return card


def paddle_card_expiry(sale_starts_at: datetime) -> datetime:
    return sale_starts_at + PADDLE_CARD_VALIDITY


# --- e-mail confirmation -----------------------------------------------------------------------

def _email_signature(secret: bytes, registration_id: int, email: str, expiry: int) -> str:
    # The address is signed but not carried: the link confirms only the address it was sent to.
    message = f"{registration_id}|{email.strip().lower()}|{expiry}"
    return base64.urlsafe_b64encode(_mac(secret, "email-confirmation", message)).decode().rstrip("=")


def sign_email_confirmation(secret: bytes, registration_id: int, email: str, expires_at: datetime) -> str:
    expiry = _epoch(expires_at)
    return f"{registration_id}.{expiry}.{_email_signature(secret, registration_id, email, expiry)}"


def email_confirmation_registration(token: str) -> int:
    """The registration a confirmation link names (not yet trusted: see `verify_email_confirmation`)."""
    match = EMAIL_TOKEN.match(token or "")
    if not match:
        raise TokenForged("Lien de confirmation invalide : copiez-le en entier depuis le message reçu.")
    return int(match.group(1))


def verify_email_confirmation(secret: bytes, token: str, email: str, now: datetime) -> int:
    match = EMAIL_TOKEN.match(token or "")
    if not match:
        raise TokenForged("Lien de confirmation invalide : copiez-le en entier depuis le message reçu.")
    registration_id, expiry = int(match.group(1)), int(match.group(2))
    if not hmac.compare_digest(_email_signature(secret, registration_id, email, expiry), match.group(3)):
        raise TokenForged("Lien de confirmation invalide : copiez-le en entier depuis le message reçu.")
    if now.timestamp() >= expiry:
        raise TokenExpired("Ce lien de confirmation a expiré : inscrivez-vous de nouveau ou contactez l'étude.")
    return registration_id
