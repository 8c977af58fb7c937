"""verify_batch against one-by-one verification, and one verifier shared by
several threads."""

import concurrent.futures
import datetime

import travelcert

AT = datetime.datetime(2021, 3, 10, 13, 0, tzinfo=datetime.timezone.utc)


def mixed_texts(issuer, traveller):
    texts = [issuer.issue(traveller, issued_at="2021-03-10T12:00:00Z") for _ in range(20)]
    # Some invalid ones among them: a tampered body, garbage, an expired one.
    texts[3] = texts[3][:40] + ("A" if texts[3][40] != "A" else "B") + texts[3][41:]
    texts[7] = "TC1:???"
    texts[11] = issuer.issue(traveller, issued_at="2021-03-01T12:00:00Z", valid_for=3600)
    return texts


def one_by_one(verifier, texts):
    out = []
    for text in texts:
        try:
            out.append(verifier.verify(text, AT))
        except travelcert.VerifyError as e:
            out.append(e.name)
    return out


def test_batch_equals_one_by_one(issuer, traveller):
    verifier = travelcert.Verifier(issuer.trust_store())
    texts = mixed_texts(issuer, traveller)
    batch = [r.name if isinstance(r, travelcert.VerifyError) else r for r in verifier.verify_batch(texts, AT)]
    expected = one_by_one(verifier, texts)
    assert batch == expected
    assert expected[7] == "Base45InvalidCharacter"
    assert expected[11] == "Expired"
    assert isinstance(expected[0], dict)
    assert verifier.verify_batch([], AT) == []


def test_threads_share_a_verifier_and_an_issuer(issuer, traveller):
    verifier = travelcert.Verifier(issuer.trust_store())
    texts = mixed_texts(issuer, traveller)
    expected = one_by_one(verifier, texts)

    def work(_):
        got = one_by_one(verifier, texts)
        batch = verifier.verify_batch(texts, AT)
        fresh = issuer.issue(traveller, issued_at="2021-03-10T12:00:00Z")
        return got, len(batch), verifier.verify(fresh, AT)["issuer"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(32)))
    for got, n, issuer_country in results:
        assert got == expected
        assert n == len(texts)
        assert issuer_country == "CN"
