"""SMART Health Cards (`shc:/`) through the Python package, when it is built
with the `shc` feature
(`MATURIN_PEP517_ARGS="--features hcert,shc" pip install ./bindings/python`)."""

import pytest

import travelcert
from conftest import REPO

pytestmark = pytest.mark.skipif(
    "shc" not in travelcert.FORMATS, reason="built without the shc feature"
)

EXAMPLES = REPO / "tests" / "interop" / "shc" / "examples"
ISSUER = "https://spec.smarthealth.cards/examples/issuer"
CRL = EXAMPLES / "issuer" / "crl-3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json"
AT = "2025-01-01T00:00:00Z"


def example(name):
    return (EXAMPLES / name).read_text().strip()


def store():
    jwks = (EXAMPLES / "issuer" / "jwks.json").read_bytes()
    return travelcert.TrustStore.from_json('{"keys": []}').with_shc_issuer(ISSUER, jwks)


def test_a_card_verifies_with_its_issuers_key_set_and_says_its_format():
    details = travelcert.Verifier(store()).verify_details(
        example("example-00-f-qr-code-numeric-value-0.txt"), at=AT
    )
    assert details["format"] == "shc"
    assert details["certificate"]["record"]["holder"]["primary_name"] == "Anyperson"
    assert details["certificate"]["record"]["vaccinations"][0]["product"] == "mRNA-1273"


def test_a_card_without_its_issuer_is_untrusted():
    with pytest.raises(travelcert.VerifyError) as raised:
        travelcert.Verifier(travelcert.TrustStore.from_json('{"keys": []}')).verify(
            example("example-00-f-qr-code-numeric-value-0.txt"), at=AT
        )
    assert raised.value.name.startswith("Shc")


def test_a_revocation_list_applies_as_the_specification_says():
    text = example("example-03-f-qr-code-numeric-value-0.txt")
    # The issuer's own list does not revoke card 03 (its entry predates nbf) ...
    travelcert.Verifier(store().with_shc_crl(CRL.read_bytes())).verify(text, at=AT)
    # ... an edited one does.
    edited = CRL.read_text().replace("vwAjHdarZuc.1664492124", "vwAjHdarZuc")
    with pytest.raises(travelcert.VerifyError) as raised:
        travelcert.Verifier(store().with_shc_crl(edited)).verify(text, at=AT)
    assert raised.value.name == "ShcRevoked"


def test_a_bad_key_set_is_a_trust_data_error():
    with pytest.raises(travelcert.TrustDataError):
        travelcert.TrustStore.from_json('{"keys": []}').with_shc_issuer(ISSUER, b"{}")


def test_a_bare_key_set_is_refused_under_a_root(tmp_path, issuer):
    from conftest import openssl_key

    root_pem = openssl_key(tmp_path)
    roots = [travelcert.Issuer.from_pem(root_pem, "CN").public_key_pem]
    signed = issuer.trust_store().sign_list(root_pem, sequence=1, valid_for=86400, issued_at=AT)
    rooted = travelcert.TrustStore.from_signed_list(signed, roots, state_dir=tmp_path / "s", at=AT)
    jwks = (EXAMPLES / "issuer" / "jwks.json").read_bytes()
    for add in (lambda: rooted.with_shc_issuer(ISSUER, jwks), lambda: rooted.with_shc_crl(CRL.read_bytes())):
        with pytest.raises(travelcert.TrustDataError) as raised:
            add()
        assert raised.value.name == "TrustUnsignedRefused"


def test_a_card_in_several_chunks_verifies_in_any_order():
    chunks = [example(f"example-02-f-qr-code-numeric-value-{i}.txt") for i in range(3)]
    verifier = travelcert.Verifier(store())
    details = verifier.verify_shc(list(reversed(chunks)), at=AT)
    assert details["format"] == "shc"
    assert details == verifier.verify_shc(chunks, at=AT)
    with pytest.raises(travelcert.VerifyError) as raised:
        verifier.verify_shc(chunks[:2], at=AT)
    assert raised.value.name == "ShcChunkMissing"
    with pytest.raises(travelcert.VerifyError) as raised:
        verifier.verify_shc([chunks[0], chunks[0], chunks[2]], at=AT)
    assert raised.value.name == "ShcChunkRepeated"
