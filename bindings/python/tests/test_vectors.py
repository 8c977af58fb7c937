"""Every test vector in tests/vectors/ through the Python package: a valid
one verifies to its `expected` certificate, an invalid one raises
`VerifyError` whose `.name` is its `error`."""

import json

import pytest

import travelcert
from conftest import VECTORS, load_vector

PLAIN = sorted(VECTORS.glob("*.json"))
ENCRYPTED = sorted((VECTORS / "encrypted").glob("*.json"))


def test_the_full_vector_set_is_found():
    assert len(PLAIN) == 64
    assert len(ENCRYPTED) == 18


def verifier_for(vector):
    store = travelcert.TrustStore.from_json(json.dumps(vector["trust_store"]))
    reader_keys = [json.dumps(k) for k in vector.get("reader_keys", [])]
    return travelcert.Verifier(store, skew=vector["clock_skew"], reader_keys=reader_keys)


def expected_certificate(vector):
    if "expected" in vector:
        return vector["expected"]
    return load_vector(VECTORS / vector["plaintext_vector"])["expected"]


def check(vector):
    verifier = verifier_for(vector)
    if vector["valid"]:
        got = verifier.verify(vector["qr_text"], vector["verify_at"])
        assert got == expected_certificate(vector)
        # The same instant as an RFC 3339 string gives the same result.
        assert got == verifier.verify(vector["qr_text"], at=travelcert_time(vector["verify_at"]))
    else:
        with pytest.raises(travelcert.VerifyError) as raised:
            verifier.verify(vector["qr_text"], vector["verify_at"])
        assert raised.value.name == expected_error(vector)
        assert raised.value.message == str(raised.value)


def expected_error(vector):
    """The vectors describe the `TC1:` verifier. A build that also reads
    `HC1:` (feature `hcert`) reports what FORMAT.md §14.1 says for vector 20,
    an `HC1:` prefix before a `TC1:` body: its algorithm is not ES256/PS256."""
    if vector["qr_text"].startswith("HC1:") and "eu-dcc" in travelcert.FORMATS:
        return "HcertAlgUnsupported"
    return vector["error"]


def travelcert_time(unix):
    import datetime

    return datetime.datetime.fromtimestamp(unix, datetime.timezone.utc).isoformat()


@pytest.mark.parametrize("path", PLAIN, ids=lambda p: p.stem)
def test_vector(path):
    check(load_vector(path))


@pytest.mark.parametrize("path", ENCRYPTED, ids=lambda p: p.stem)
def test_encrypted_vector(path):
    check(load_vector(path))


@pytest.mark.parametrize("path", PLAIN, ids=lambda p: p.stem)
def test_batch_equals_one_by_one(path):
    vector = load_vector(path)
    verifier = verifier_for(vector)
    [result] = verifier.verify_batch([vector["qr_text"]], vector["verify_at"])
    if vector["valid"]:
        assert result == vector["expected"]
    else:
        assert isinstance(result, travelcert.VerifyError)
        assert result.name == expected_error(vector)


def test_error_classes_follow_the_kind():
    kinds = {
        "20-bad-prefix": travelcert.DecodeError,
        "23-tampered-signature": travelcert.SignatureError,
        "24-unknown-kid": travelcert.UntrustedKeyError,
        "26-expired": travelcert.ValidityError,
        "27-not-yet-valid": travelcert.ValidityError,
    }
    for stem, cls in kinds.items():
        vector = load_vector(VECTORS / f"{stem}.json")
        with pytest.raises(cls):
            verifier_for(vector).verify(vector["qr_text"], vector["verify_at"])
