"""Electronic signature of the sale record (PAdES, with pyHanko), where the office configures one.

The default stays the printed record signed by hand. When the officer gives the office's signing
certificate (a PKCS#12 file and its password), each closed session's frozen PDF is also signed: the
signature is an incremental update, so the signed file begins with the very bytes the seal's digest
covers. The file is kept under the private directory, its password encrypted with a key derived from
the server's secret; neither is ever logged.

An electronic record has legal force only on a system approved by the national chamber (CNCJ) and
with the officer's qualified electronic signature: the pages and the README say so.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auction.domain.errors import InvalidValue

from . import audit

SIGNING_DIR = "signing"
CONFIG_NAME = "record-signing.json"
MAX_P12_BYTES = 64 * 1024
SIGNATURE_FIELD = "SignatureCJ"


@dataclass(frozen=True)
class SigningCertificate:
    """What is shown of the configured certificate (never its key or password)."""
    subject: str
    issuer: str
    serial: str
    not_before: str          # ISO, UTC
    not_after: str
    fingerprint_sha256: str
    p12_name: str            # under the private directory's signing folder
    password_token: str      # the password, encrypted
    configured_at: str
    configured_by: int

    @property
    def valid_until(self) -> datetime:
        return datetime.fromisoformat(self.not_after)


def _fernet(secret_key: str):
    from cryptography.fernet import Fernet
    key = hashlib.sha256(b"criee/record-signing|" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _load(content: bytes, password: str):
    """The key and certificate of a PKCS#12 file; InvalidValue in French when it cannot be used."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    try:
        key, certificate, _ = pkcs12.load_key_and_certificates(content, password.encode() if password else None)
    except ValueError as exc:
        if "password" in str(exc).lower() or "mac" in str(exc).lower():
            raise InvalidValue("Mot de passe incorrect pour ce certificat.", field="password") from None
        raise InvalidValue("Ce fichier n'est pas un certificat PKCS#12 (.p12 ou .pfx) lisible.", field="p12") from None
    except Exception:   # noqa: BLE001 - any unreadable file is refused the same way
        raise InvalidValue("Ce fichier n'est pas un certificat PKCS#12 (.p12 ou .pfx) lisible.", field="p12") from None
    if key is None or certificate is None:
        raise InvalidValue("Le fichier doit contenir le certificat et sa clé privée.", field="p12")
    return key, certificate


def _config_path(private_dir: Path) -> Path:
    return private_dir / SIGNING_DIR / CONFIG_NAME


def current(private_dir: Path) -> SigningCertificate | None:
    try:
        data = json.loads(_config_path(private_dir).read_text())
    except (FileNotFoundError, ValueError):
        return None
    return SigningCertificate(**data)


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(content)
    os.chmod(temporary, 0o600)
    temporary.replace(path)


async def configure(sessions: async_sessionmaker[AsyncSession], private_dir: Path, secret_key: str, content: bytes,
                    password: str, *, user_id: int, now: datetime) -> SigningCertificate:
    """The officer gives the office's signing certificate (checked: readable, with its key, valid now)."""
    if not content:
        raise InvalidValue("Choisissez le fichier du certificat (.p12 ou .pfx).", field="p12")
    if len(content) > MAX_P12_BYTES:
        raise InvalidValue("Le fichier dépasse 64 Ko : ce n'est pas un certificat de signature.", field="p12")
    if len(password) > 200:
        raise InvalidValue("Le mot de passe dépasse 200 caractères.", field="password")
    _, certificate = _load(content, password)
    not_before, not_after = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    if not (not_before <= now <= not_after):
        raise InvalidValue(f"Ce certificat n'est pas valide aujourd'hui (valable du {not_before:%d/%m/%Y} "
                           f"au {not_after:%d/%m/%Y}).", field="p12")
    from cryptography.hazmat.primitives import hashes
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
    name = f"certificate-{fingerprint[:16]}.p12"
    await asyncio.to_thread(_write, private_dir / SIGNING_DIR / name, content)
    found = SigningCertificate(
        subject=certificate.subject.rfc4514_string(), issuer=certificate.issuer.rfc4514_string(),
        serial=format(certificate.serial_number, "x"), not_before=not_before.isoformat(),
        not_after=not_after.isoformat(), fingerprint_sha256=fingerprint, p12_name=name,
        password_token=_fernet(secret_key).encrypt(password.encode()).decode(),
        configured_at=now.astimezone(timezone.utc).isoformat(), configured_by=user_id)
    await asyncio.to_thread(_write, _config_path(private_dir), json.dumps(asdict(found)).encode())
    await audit.record_alone(sessions, at=now, user_id=user_id, action="record_signing_configured",
                             summary=f"Certificat de signature du procès-verbal : {found.subject}",
                             details={"fingerprint_sha256": fingerprint, "not_after": found.not_after})
    return found


async def remove(sessions: async_sessionmaker[AsyncSession], private_dir: Path, *, user_id: int,
                 now: datetime) -> None:
    found = current(private_dir)
    if found is None:
        return
    await asyncio.to_thread(_config_path(private_dir).unlink, missing_ok=True)
    await audit.record_alone(sessions, at=now, user_id=user_id, action="record_signing_removed",
                             summary=f"Certificat de signature retiré : {found.subject}",
                             details={"fingerprint_sha256": found.fingerprint_sha256})


def _sign(pdf: bytes, p12: bytes, password: str, *, reason: str, location: str, name: str) -> bytes:
    """The PDF signed (PAdES baseline B, SHA-256) as an incremental update; synchronous."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    signer = signers.SimpleSigner.load_pkcs12_data(p12, (), passphrase=password.encode() if password else None)
    if signer is None:
        raise InvalidValue("Le certificat de signature ne peut plus être lu.", field="p12")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES, reason=reason,
                                        location=location, name=name)
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


def signed_name(pdf_path: str) -> str:
    """Where the signed copy of a sealed PDF is kept, beside it."""
    return pdf_path[:-4] + "-pades.pdf" if pdf_path.endswith(".pdf") else pdf_path + "-pades.pdf"


async def sign_pdf(private_dir: Path, secret_key: str, pdf: bytes, *, reason: str, location: str,
                   name: str) -> bytes | None:
    """`pdf` signed with the office's certificate, or None when none is configured."""
    found = current(private_dir)
    if found is None:
        return None
    p12 = await asyncio.to_thread((private_dir / SIGNING_DIR / found.p12_name).read_bytes)
    password = _fernet(secret_key).decrypt(found.password_token.encode()).decode()
    return await asyncio.to_thread(_sign, pdf, p12, password, reason=reason, location=location, name=name)


async def sign_sealed(private_dir: Path, secret_key: str, seals, *, location: str, officer: str) -> list[int]:
    """Sign every sealed session's PDF not signed yet (when a certificate is configured); the
    sessions signed now. The signed file begins with the sealed bytes (checked)."""
    if current(private_dir) is None:
        return []
    done = []
    for seal in seals:
        target = private_dir / signed_name(seal.pdf_path)
        if target.exists():
            continue
        sealed = await asyncio.to_thread((private_dir / seal.pdf_path).read_bytes)
        signed = await sign_pdf(private_dir, secret_key, sealed, location=location, name=officer,
                                reason=f"Procès-verbal de vente, séance n° {seal.session}, clos et arrêté")
        if signed is None or not signed.startswith(sealed):
            continue
        await asyncio.to_thread(_write, target, signed)
        done.append(seal.session)
    return done
