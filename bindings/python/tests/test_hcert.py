"""EU DCC `HC1:` certificates through the Python package, when it is built
with the `hcert` feature
(`MATURIN_PEP517_ARGS="--features hcert" pip install ./bindings/python`)."""

import base64
import json

import pytest

import travelcert
from conftest import REPO, openssl_key

pytestmark = pytest.mark.skipif(
    "eu-dcc" not in travelcert.FORMATS, reason="built without the hcert feature"
)

CASE = REPO / "tests" / "interop" / "dgc-testdata" / "DE" / "1.json"


def de_case():
    case = json.loads(CASE.read_text())
    dsc = base64.b64decode(case["TESTCTX"]["CERTIFICATE"])
    return case["PREFIX"], dsc, case["TESTCTX"]["VALIDATIONCLOCK"]


def test_a_dcc_verifies_with_its_dsc_and_says_its_format():
    text, dsc, clock = de_case()
    store = travelcert.TrustStore.from_json('{"keys": []}').with_dsc(dsc)
    details = travelcert.Verifier(store).verify_details(text, at=clock)
    assert details["format"] == "eu-dcc"
    holder = details["certificate"]["record"]["holder"]
    assert "MUSTERMANN" in json.dumps(holder).upper()


def test_a_dcc_without_its_dsc_is_untrusted():
    text, _, clock = de_case()
    store = travelcert.TrustStore.from_json('{"keys": []}')
    with pytest.raises(travelcert.UntrustedKeyError) as raised:
        travelcert.Verifier(store).verify(text, at=clock)
    assert raised.value.name == "HcertUnknownKid"


def test_a_tampered_dcc_is_refused_with_its_error_name():
    text, dsc, clock = de_case()
    store = travelcert.TrustStore.from_json('{"keys": []}').with_dsc(dsc)
    # Flip one Base45 character in the middle of the body.
    i = len(text) // 2
    tampered = text[:i] + ("0" if text[i] != "0" else "1") + text[i + 1 :]
    with pytest.raises(travelcert.VerifyError) as raised:
        travelcert.Verifier(store).verify(tampered, at=clock)
    assert raised.value.name.startswith(("Hcert", "Inflate", "Base45", "Zlib", "Cbor"))


def test_a_bare_dsc_is_not_bytes_of_garbage():
    store = travelcert.TrustStore.from_json('{"keys": []}')
    with pytest.raises(travelcert.TrustDataError):
        store.with_dsc(b"not a certificate")


CHAIN = REPO / "tests" / "hcert-chain"
# 2021-06-02T00:00:00Z: inside the chain fixtures' validity.
CHAIN_AT = "2021-06-02T00:00:00Z"


def chain(name):
    return (CHAIN / name).read_bytes()


def test_a_dsc_chained_to_a_csca_is_taken_under_a_root(tmp_path, issuer):
    text = (CHAIN / "dsc.hc1.txt").read_text().strip()
    root_pem = openssl_key(tmp_path)
    roots = [travelcert.Issuer.from_pem(root_pem, "CN").public_key_pem]
    signed = issuer.trust_store().sign_list(
        root_pem, sequence=1, valid_for=86400, issued_at=CHAIN_AT
    )
    rooted = travelcert.TrustStore.from_signed_list(
        signed, roots, state_dir=tmp_path / "state", at=CHAIN_AT
    )
    # A bare DSC is refused under a root...
    with pytest.raises(travelcert.TrustDataError) as raised:
        rooted.with_dsc(chain("dsc.pem"))
    assert raised.value.name == "TrustUnsignedRefused"
    # ...one that chains to a CSCA is taken, and the output names the CSCA.
    store = rooted.with_dsc(chain("dsc.pem"), csca=chain("csca.pem"))
    details = travelcert.Verifier(store).verify_details(text, at=CHAIN_AT)
    assert details["format"] == "eu-dcc"
    assert len(details["dsc"]["csca"]) == 16
    # A DSC that does not chain to the CSCAs given fails with its own error.
    other = rooted.with_dsc(chain("dsc.pem"), csca=[chain("csca-rsa.pem")])
    with pytest.raises(travelcert.UntrustedKeyError) as raised:
        travelcert.Verifier(other).verify(text, at=CHAIN_AT)
    assert raised.value.name == "HcertDscNotChained"
    with pytest.raises(travelcert.TrustDataError) as raised:
        rooted.with_dsc(chain("dsc.pem"), csca=b"junk")
    assert raised.value.name == "TrustStoreCsca"
