"""A self-signed signing certificate made in the test (cryptography), as a PKCS#12 file, and the
check of a PAdES signature with pyHanko's own validation, trusting that certificate only."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = "mot-de-passe-du-certificat"


def self_signed(common_name: str = "Me Claire Lefèvre", *, days: int = 365, start: datetime | None = None):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Étude de test"),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "FR")])
    start = start or datetime.now(timezone.utc) - timedelta(days=1)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(start)
                   .not_valid_after(start + timedelta(days=days))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
                   .sign(key, hashes.SHA256()))
    return key, certificate


def p12_of(key, certificate, password: str = PASSWORD) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        b"criee-test", key, certificate, None,
        serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption())


async def validate(pdf: bytes, certificate):
    """pyHanko's validation of the PDF's only signature, trusting `certificate`."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    root = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    reader = PdfFileReader(io.BytesIO(pdf))
    [signature] = reader.embedded_signatures
    return await async_validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
