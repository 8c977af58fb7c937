"""Border rules on a verified certificate, and signed trust lists with a
state directory."""

import json

import pytest

import travelcert
from conftest import EXAMPLES, openssl_key

SAMPLE_AT = "2021-03-11T09:00:00Z"


def policy(name):
    return travelcert.Policy.from_json((EXAMPLES / "policies" / name).read_text(encoding="utf-8"))


def test_recent_negative_nat_accepts_the_sample(sample, sample_verifier):
    result = policy("recent-negative-nat.json").evaluate(
        sample_verifier, sample["qr_text"], at=SAMPLE_AT
    )
    assert result["outcome"] == "accepted"
    assert result["verdict"]["outcome"] == "accepted"
    assert result["view"]["outcome"] == "accepted"
    assert result["gate_view"]["outcome"] == "accepted"
    assert result["view"]["identity"]["document_number"] == "E12345678"
    # The officer's view shows only what the deciding rules read; the gate's none.
    assert result["view"]["records"] and all(r["kind"] == "nat" for r in result["view"]["records"])
    assert "records" not in result["gate_view"]
    assert "accepted" in result["explanation"]


def test_double_nat_refuses_one_nat(sample, sample_verifier):
    result = policy("entry-double-nat.json").evaluate(
        sample_verifier, sample["qr_text"], at=SAMPLE_AT, boarding="2021-03-11T12:00:00Z"
    )
    assert result["outcome"] == "refused"
    assert result["verdict"]["reference"]["kind"] == "boarding"


def test_rules_take_only_verified_certificates(sample, sample_verifier):
    with pytest.raises(travelcert.ValidityError):
        policy("recent-negative-nat.json").evaluate(
            sample_verifier, sample["qr_text"], at="2030-01-01T00:00:00Z"
        )
    with pytest.raises(ValueError):
        travelcert.Policy.from_json('{"name": "x"}')


def root_public_pem(root_pem):
    # The root's public key, as the issuer of a demo certificate would publish it.
    return travelcert.Issuer.from_pem(root_pem, "CN").public_key_pem


def test_signed_trust_list_with_state(tmp_path, issuer, traveller):
    root_pem = openssl_key(tmp_path)
    roots = [root_public_pem(root_pem)]
    state = tmp_path / "state"
    at = "2021-03-10T12:00:00Z"
    first = issuer.trust_store().sign_list(root_pem, sequence=1, valid_for=86400, issued_at=at)
    second = issuer.trust_store().sign_list(root_pem, sequence=2, valid_for=86400, issued_at=at)
    store = travelcert.TrustStore.from_signed_list(second, roots, state_dir=state, at=at)
    text = issuer.issue(traveller, issued_at=at)
    details = travelcert.Verifier(store).verify_details(text, at=at)
    assert details["vouched_by"]
    # The state remembers sequence 2: the older list is a rollback.
    with pytest.raises(travelcert.TrustDataError) as raised:
        travelcert.TrustStore.from_signed_list(first, roots, state_dir=state, at=at)
    assert raised.value.name == "ListRollback"
    # A root scoped to other countries does not vouch for a CN key.
    with pytest.raises(travelcert.TrustDataError) as raised:
        travelcert.TrustStore.from_signed_list(
            second, [(roots[0], ["HK"])], state_dir=tmp_path / "other", at=at
        )
    assert raised.value.name == "ListKeyOutOfScope"
    # A list signed by an unknown root is refused.
    with pytest.raises(travelcert.TrustDataError):
        travelcert.TrustStore.from_signed_list(
            second, [issuer.public_key_pem], state_dir=tmp_path / "third", at=at
        )
    with pytest.raises(travelcert.TrustDataError) as raised:
        travelcert.TrustStore.from_signed_list(
            second, roots, state_dir=tmp_path / "fourth", at="2021-03-20T00:00:00Z"
        )
    assert raised.value.name == "ListExpired"
    assert json.loads(store.to_json())["keys"][0]["country"] == "CN"


def test_results_are_plain_json(sample, sample_verifier, issuer, traveller):
    """Every dict the package returns is in the JSON data model (string keys,
    lists, no bytes), as the library's JSON serialization has it."""
    text = issuer.issue(traveller, issued_at="2021-03-10T12:00:00Z")
    verifier = travelcert.Verifier(issuer.trust_store())
    results = [
        sample_verifier.verify_details(sample["qr_text"], sample["verify_at"]),
        travelcert.inspect(sample["qr_text"]),
        verifier.verify_details(text, "2021-03-10T13:00:00Z"),
        policy("entry-double-nat.json").evaluate(sample_verifier, sample["qr_text"], at=SAMPLE_AT),
    ]
    for vector in ("09-extensions.json", "12-history-unknown-items.json"):
        v = json.loads((EXAMPLES.parent / "tests" / "vectors" / vector).read_text(encoding="utf-8"))
        store = travelcert.TrustStore.from_json(json.dumps(v["trust_store"]))
        results.append(travelcert.Verifier(store).verify_details(v["qr_text"], v["verify_at"]))
    for result in results:
        assert json.loads(json.dumps(result)) == result
