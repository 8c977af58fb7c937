"""Issuing with an openssl key and with a signing callable, verifying what
was issued, and the errors for tampered, expired and bad input."""

import datetime
import json
import subprocess

import pytest

import travelcert
from conftest import openssl_key

ISSUED_AT = datetime.datetime(2021, 3, 10, 12, 0, tzinfo=datetime.timezone.utc)


def test_round_trip_with_an_openssl_key(issuer, traveller):
    text = issuer.issue(traveller, issued_at=ISSUED_AT, certificate_id="0123456789abcdef")
    assert text.startswith("TC1:")
    verifier = travelcert.Verifier(issuer.trust_store())
    cert = verifier.verify(text, at="2021-03-11T09:00:00Z")
    assert cert["issuer"] == "CN"
    assert cert["certificate_id"] == "0123456789abcdef"
    assert cert["issued_at"] == "2021-03-10T12:00:00Z"
    assert cert["expires_at"] == "2021-03-12T12:00:00Z"  # 48 hours by default
    # The record comes back as it went in (JSON text or dict alike).
    assert cert["record"] == json.loads(json.dumps(traveller, ensure_ascii=False))
    details = verifier.verify_details(text, at=ISSUED_AT)
    assert details["certificate"] == cert
    assert details["kid"] == issuer.kid
    assert details["key_country"] == "CN"
    assert details["alg"] == -19
    # inspect decodes the same certificate, saying it verified nothing.
    inspected = travelcert.inspect(text)
    assert inspected["verified"] is False
    assert inspected["certificate"] == cert


def test_preset_dictionary_gives_a_shorter_text_of_the_same_certificate(issuer, traveller):
    plain = issuer.issue(traveller, issued_at=ISSUED_AT, certificate_id="0123456789abcdef")
    short = issuer.issue(traveller, issued_at=ISSUED_AT, certificate_id="0123456789abcdef", dictionary=True)
    assert len(short) < len(plain)
    verifier = travelcert.Verifier(issuer.trust_store())
    assert verifier.verify(short, at=ISSUED_AT) == verifier.verify(plain, at=ISSUED_AT)


def test_the_key_travels_as_json(issuer, traveller):
    text = issuer.issue(json.dumps(traveller), issued_at=ISSUED_AT)
    store = travelcert.TrustStore.from_json(issuer.trust_store().to_json())
    assert len(store) == 1
    assert travelcert.Verifier(store).verify(text, at=ISSUED_AT)["issuer"] == "CN"


def test_random_ids_differ(issuer, traveller):
    a = issuer.issue(traveller, issued_at=ISSUED_AT)
    b = issuer.issue(traveller, issued_at=ISSUED_AT)
    verifier = travelcert.Verifier(issuer.trust_store())
    assert verifier.verify(a, ISSUED_AT)["certificate_id"] != verifier.verify(b, ISSUED_AT)["certificate_id"]


def test_tampered_text_is_refused(issuer, traveller):
    text = issuer.issue(traveller, issued_at=ISSUED_AT)
    verifier = travelcert.Verifier(issuer.trust_store())
    names = set()
    for i in range(4, len(text)):
        swapped = "A" if text[i] != "A" else "B"
        tampered = text[:i] + swapped + text[i + 1 :]
        try:
            verifier.verify(tampered, ISSUED_AT)
        except travelcert.VerifyError as e:
            names.add(e.name)
        else:
            pytest.fail(f"a substitution at {i} verified")
    # Every substitution fails with a specific name (inside the compressed
    # body, mostly as a corrupt zlib stream).
    assert names and all(n for n in names)


def test_signature_of_another_key_is_refused(issuer, traveller, tmp_path):
    other = travelcert.Issuer.from_pem(openssl_key(tmp_path), "CN")
    text = other.issue(traveller, issued_at=ISSUED_AT)
    with pytest.raises(travelcert.UntrustedKeyError) as raised:
        travelcert.Verifier(issuer.trust_store()).verify(text, ISSUED_AT)
    assert raised.value.name == "UnknownKid"


def test_expiry_and_skew(issuer, traveller):
    text = issuer.issue(traveller, issued_at=ISSUED_AT, valid_for=3600)
    verifier = travelcert.Verifier(issuer.trust_store(), skew=60)
    expiry = ISSUED_AT + datetime.timedelta(hours=1)
    verifier.verify(text, expiry + datetime.timedelta(seconds=60))
    with pytest.raises(travelcert.ValidityError) as raised:
        verifier.verify(text, expiry + datetime.timedelta(seconds=61))
    assert raised.value.name == "Expired"
    with pytest.raises(travelcert.ValidityError) as raised:
        verifier.verify(text, ISSUED_AT - datetime.timedelta(seconds=61))
    assert raised.value.name == "NotYetValid"


def test_times_must_be_instants(sample, sample_verifier):
    naive = datetime.datetime(2021, 3, 11, 9, 0)
    with pytest.raises(ValueError, match="naive"):
        sample_verifier.verify(sample["qr_text"], naive)
    with pytest.raises(ValueError):
        sample_verifier.verify(sample["qr_text"], "yesterday")
    with pytest.raises(TypeError):
        sample_verifier.verify(sample["qr_text"], 1.5)
    offset = datetime.timezone(datetime.timedelta(hours=8))
    at = datetime.datetime(2021, 3, 11, 17, 0, tzinfo=offset)
    assert sample_verifier.verify(sample["qr_text"], at) == sample["expected"]


def test_signing_callable(issuer_pem, traveller, tmp_path):
    # The callable stands in for an HSM: openssl holds the key, the issuer
    # never sees it.
    key_file = tmp_path / "hsm.pem"
    key_file.write_text(issuer_pem)
    calls = []

    def sign(message):
        calls.append(message)
        message_file = tmp_path / "message.bin"
        message_file.write_bytes(message)
        return subprocess.run(
            ["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", str(key_file), "-in", str(message_file)],
            check=True,
            capture_output=True,
        ).stdout

    hsm = travelcert.Issuer.from_pem(issuer_pem, "CN")
    remote = travelcert.Issuer.from_signer(hsm.public_key_pem, sign, "CN")
    assert remote.kid == hsm.kid
    text = remote.issue(traveller, issued_at=ISSUED_AT, certificate_id=bytes(range(8)))
    assert len(calls) == 1 and isinstance(calls[0], bytes)
    cert = travelcert.Verifier(hsm.trust_store()).verify(text, ISSUED_AT)
    assert cert["certificate_id"] == "0001020304050607"


def test_signing_callable_errors(issuer, traveller):
    def fails(message):
        raise KeyError("hsm offline")

    remote = travelcert.Issuer.from_signer(issuer.public_key_pem, fails, "CN")
    with pytest.raises(KeyError, match="hsm offline"):
        remote.issue(traveller, issued_at=ISSUED_AT)
    short = travelcert.Issuer.from_signer(issuer.public_key_pem, lambda m: b"\0" * 10, "CN")
    with pytest.raises(RuntimeError, match="64"):
        short.issue(traveller, issued_at=ISSUED_AT)
    # A callable that returns a wrong signature issues a text no verifier accepts.
    wrong = travelcert.Issuer.from_signer(issuer.public_key_pem, lambda m: b"\1" * 64, "CN")
    text = wrong.issue(traveller, issued_at=ISSUED_AT)
    with pytest.raises(travelcert.VerifyError) as raised:
        travelcert.Verifier(issuer.trust_store()).verify(text, ISSUED_AT)
    assert raised.value.name == "SignatureInvalid"


def test_bad_input_raises_value_error(issuer, issuer_pem, traveller):
    with pytest.raises(ValueError):
        travelcert.Issuer.from_pem("not a key", "CN")
    with pytest.raises(ValueError):
        travelcert.Issuer.from_pem(issuer_pem, "C1")
    with pytest.raises(ValueError, match="health record"):
        issuer.issue({"holder": {}})
    with pytest.raises(ValueError):
        issuer.issue(traveller, valid_for=0)
    with pytest.raises(ValueError):
        issuer.issue(traveller, certificate_id="xyz")
    with pytest.raises(TypeError):
        issuer.issue(42)
    with pytest.raises(travelcert.TrustDataError) as raised:
        travelcert.TrustStore.from_json("{}")
    assert raised.value.name == "TrustStoreInvalid"
    with pytest.raises(ValueError):
        travelcert.Verifier(issuer.trust_store(), skew=-1)

