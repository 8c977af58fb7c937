"""travelcert: offline-first signed QR health certificates (Python package).

A thin layer over the Rust library. Times (`at`, `issued_at`, `boarding`)
accept an aware `datetime`, an RFC 3339 string or Unix seconds (`int`);
`None` means now.
"""

import os
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union, final

__version__: str
__all__ = [
    "DecodeError",
    "Issuer",
    "Policy",
    "RevocationList",
    "RevokedError",
    "SignatureError",
    "TrustDataError",
    "TrustStore",
    "UntrustedKeyError",
    "ValidityError",
    "Verifier",
    "VerifyError",
    "card_svg",
    "inspect",
    "render_png",
    "render_svg",
    "scan",
    "__version__",
]

_Time = Union[datetime, str, int, None]
_Json = Dict[str, Any]
_Root = Union[str, Tuple[str, Sequence[str]]]

class VerifyError(Exception):
    """A certificate was not accepted or could not be decoded."""

    name: str
    """The stable error name FORMAT.md lists, e.g. ``"SignatureInvalid"``."""
    message: str

class DecodeError(VerifyError):
    """The text does not decode (prefix, Base45, compression, CBOR, COSE, claims, record)."""

class SignatureError(VerifyError):
    """The signature does not verify (or an encrypted certificate does not authenticate)."""

class UntrustedKeyError(VerifyError):
    """The key is unknown or not trusted for this certificate."""

class ValidityError(VerifyError):
    """The certificate has expired or is not valid yet."""

class RevokedError(VerifyError):
    """The certificate or its key is revoked."""

class TrustDataError(ValueError):
    """Trust data was refused: a trust store, a signed list, list state."""

    name: str
    message: str

FORMATS: list[str]
"""The formats this build verifies: ``"travelcert"``, and ``"eu-dcc"`` and
``"who-ddcc"`` when built with the ``hcert`` feature."""

@final
class TrustStore:
    """Keys trusted to sign certificates."""

    @staticmethod
    def from_json(data: Union[str, bytes]) -> TrustStore:
        """The JSON form (unsigned: only where no root keys are configured)."""
    @staticmethod
    def from_signed_list(
        data: bytes,
        roots: Sequence[_Root],
        *,
        state_dir: Union[str, os.PathLike[str]],
        at: _Time = None,
    ) -> TrustStore:
        """A signed trust list checked against root keys (SPKI PEM, or
        ``(pem, ["CN", ...])`` scoped to countries), list state kept in
        ``state_dir``."""
    def sign_list(
        self,
        root_key_pem: str,
        *,
        sequence: int,
        valid_for: int,
        issued_at: _Time = None,
    ) -> bytes:
        """This store as a signed trust list, signed with a root's PKCS#8 PEM key."""
    def with_shc_issuer(self, url: str, jwks: Union[str, bytes]) -> TrustStore:
        """This store plus a SMART Health Card issuer (its URL, the cards'
        ``iss``) with its key set (JWKS JSON); only in builds with the ``shc``
        feature. Refused (``TrustUnsignedRefused``) for a store loaded from a
        signed list."""
    def with_shc_crl(self, crl: Union[str, bytes]) -> TrustStore:
        """This store plus an issuer's SMART Health Card revocation list
        (method ``rid``), for a key set already added; only with ``shc``.
        Refused for a store loaded from a signed list."""
    def with_dsc(
        self,
        data: Union[str, bytes],
        *,
        csca: Union[str, bytes, List[Union[str, bytes]], None] = None,
    ) -> TrustStore:
        """This store plus document signer certificates (PEM, DER or the EU
        gateway's JSON) for ``HC1:`` certificates; only in builds with the
        ``hcert`` feature. With ``csca`` (country signing CA certificates,
        PEM or DER) each DSC must chain to one, else certificates it signed
        fail with ``HcertDscNotChained`` or an ``HcertCsca*`` error. Without
        ``csca``, refused (``TrustUnsignedRefused``) for a store loaded from
        a signed list."""
    def to_json(self) -> str: ...
    def __len__(self) -> int: ...

@final
class RevocationList:
    """A verified, current revocation list."""

    @staticmethod
    def from_signed(
        data: bytes,
        roots: Sequence[_Root],
        *,
        state_dir: Union[str, os.PathLike[str]],
        at: _Time = None,
    ) -> RevocationList: ...
    @property
    def sequence(self) -> int: ...
    def __len__(self) -> int: ...

@final
class Verifier:
    """Verifies certificate texts offline. Safe to share between threads."""

    def __new__(
        cls,
        store: TrustStore,
        *,
        skew: int = 300,
        revocations: Optional[RevocationList] = None,
        reader_keys: Optional[Sequence[Union[str, bytes]]] = None,
    ) -> Verifier: ...
    @property
    def skew(self) -> int: ...
    def verify(self, text: str, at: _Time = None) -> _Json:
        """The certificate as a dict; raises VerifyError (with ``.name``)."""
    def verify_details(self, text: str, at: _Time = None) -> _Json:
        """``certificate``, ``kid``, ``key_country``, ``alg``, ``body``,
        ``encryption`` and, for a key from a signed list, ``vouched_by``."""
    def verify_batch(
        self, texts: Sequence[str], at: _Time = None
    ) -> List[Union[_Json, VerifyError]]:
        """One certificate dict or VerifyError object per text, in order."""
    def verify_shc(self, texts: Sequence[str], at: _Time = None) -> _Json:
        """A SMART Health Card from its QR texts (chunks in any order), as
        ``verify_details`` returns it (build with the ``shc`` feature)."""
    def _time_rust_verify(self, text: str, at: _Time, n: int) -> float: ...

def inspect(text: str) -> _Json:
    """Decodes WITHOUT verifying anything: the dict says ``"verified": False``."""

@final
class Issuer:
    """Issues certificates for one country. Safe to share between threads."""

    @staticmethod
    def from_pem(pem: str, country: str) -> Issuer:
        """A PKCS#8 PEM Ed25519 private key (``openssl genpkey -algorithm ed25519``)."""
    @staticmethod
    def from_signer(
        public_key: Union[str, bytes],
        sign: Callable[[bytes], bytes],
        country: str,
    ) -> Issuer:
        """Signatures from ``sign(message) -> 64 bytes`` (an HSM, a cloud key store)."""
    def issue(
        self,
        record: Union[_Json, str],
        *,
        valid_for: int = 172800,
        issued_at: _Time = None,
        include_history: bool = False,
        certificate_id: Union[str, bytes, None] = None,
        dictionary: bool = False,
    ) -> str:
        """The ``TC1:`` text of a new certificate for ``record``; ``dictionary=True``
        compresses with the format's preset dictionary (shorter, FORMAT.md 3.1)."""
    @property
    def public_key_pem(self) -> str: ...
    @property
    def kid(self) -> str: ...
    @property
    def country(self) -> str: ...
    def trust_store(self) -> TrustStore:
        """A trust store holding this issuer's key for its country."""

def render_png(text: str, *, scale: int = 8) -> bytes: ...
def render_svg(text: str) -> str: ...
def card_svg(
    text: str,
    *,
    title: Optional[str] = None,
    languages: Optional[Sequence[str]] = None,
    verifier: Optional[Verifier] = None,
    at: _Time = None,
) -> str:
    """The printable card; with ``verifier``, verified first. ``languages``:
    label languages in print order (``["zh", "en"]``; ar, en, es, fr, ru, zh)."""

def scan(image: bytes) -> List[str]:
    """Every QR code text in a PNG or JPEG image (not verified)."""

@final
class Policy:
    """A receiving country's entry rules."""

    @staticmethod
    def from_json(data: Union[str, bytes]) -> Policy: ...
    @property
    def name(self) -> str: ...
    def evaluate(
        self,
        verifier: Verifier,
        text: str,
        *,
        at: _Time = None,
        boarding: _Time = None,
    ) -> _Json:
        """``outcome``, ``explanation``, ``verdict``, ``view``, ``gate_view``."""
