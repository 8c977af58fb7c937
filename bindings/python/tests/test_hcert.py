"""EU DCC `HC1:` certificates through the Python package, when it is built
with the `hcert` feature
(`MATURIN_PEP517_ARGS="--features hcert" pip install ./bindings/python`)."""

import base64
import json

import pytest

import travelcert
from conftest import REPO

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
