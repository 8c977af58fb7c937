#!/usr/bin/env python3
"""Seeds the fuzz corpora from tests/vectors (standard library only).

  verify_text      <- each vector's qr_text
  cose_parse       <- each vector's body (Base45-decoded) and its COSE_Sign1 (inflated)
  claims_decode    <- each vector's COSE payload (the CWT claims)
  trust_store_json <- each vector's trust_store
  issue_roundtrip  <- the claims bytes (any bytes do; they steer `arbitrary`)
  verify_foreign   <- HC1: texts (tests/interop/dgc-testdata, tests/hcert-chain)
                      and SMART Health Cards (tests/interop/shc: texts, chunk
                      sets as lines, JWS, files, malformed variants)

Usage: python3 fuzz/seed.py [CORPUS_DIR]   (default fuzz/corpus; generated, not committed)
The malformed-input corpus adds its texts with
  TRAVELCERT_DUMP_CORPUS=fuzz/corpus/verify_text cargo test --features issue --test library malformed::
"""
import hashlib
import json
import pathlib
import sys
import zlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "fuzz" / "corpus"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def b45decode(s):
    vals = [ALPHABET.index(c) for c in s]
    out = bytearray()
    for i in range(0, len(vals), 3):
        g = vals[i:i + 3]
        n = sum(v * 45 ** k for k, v in enumerate(g))
        out += n.to_bytes(2 if len(g) == 3 else 1, "big")
    return bytes(out)


def head(b, i):
    """(major, argument, offset after the head) of the CBOR head at b[i]."""
    major, info = b[i] >> 5, b[i] & 31
    if info < 24:
        return major, info, i + 1
    n = 1 << (info - 24)
    return major, int.from_bytes(b[i + 1:i + 1 + n], "big"), i + 1 + n


def payload_of(cose):
    """The payload bstr of a tagged COSE_Sign1 with an empty unprotected map."""
    _, _, i = head(cose, 0)  # tag 18
    _, _, i = head(cose, i)  # array(4)
    _, n, i = head(cose, i)  # protected bstr
    i += n
    _, n, i = head(cose, i)  # unprotected map
    if n:
        return None
    major, n, i = head(cose, i)
    return cose[i:i + n] if major == 2 else None


def put(target, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main():
    count = 0
    for path in sorted((ROOT / "tests" / "vectors").glob("*.json")):
        v = json.loads(path.read_text())
        text = v["qr_text"]
        put("verify_text", text.encode())
        put("trust_store_json", json.dumps(v["trust_store"]).encode())
        count += 1
        if not text.startswith("TC1:"):
            continue
        try:
            body = b45decode(text[4:])
        except (ValueError, OverflowError):
            continue
        put("cose_parse", body)
        try:
            cose = body if body[:1] == b"\xd2" else zlib.decompress(body)
        except zlib.error:
            continue
        put("cose_parse", cose)
        payload = payload_of(cose)
        if payload:
            put("claims_decode", payload)
            put("issue_roundtrip", payload)
    # The committed sample QR (4 KiB PNG) seeds the scanner; the policies seed
    # the rules parser.
    put("scan", (ROOT / "docs" / "sample-certificate.png").read_bytes())
    for path in sorted((ROOT / "examples" / "policies").glob("*.json")):
        put("rules", path.read_bytes())
    # Foreign formats: the EU reference test cases' HC1: texts, the test
    # chain's HC1: certificate, and the SMART Health Cards examples (QR texts,
    # chunk sets as lines, JWS, files) with the malformed variants.
    for path in sorted((ROOT / "tests" / "interop" / "dgc-testdata").glob("*/*.json")):
        prefix = json.loads(path.read_text()).get("PREFIX")
        if isinstance(prefix, str):
            put("verify_foreign", prefix.encode())
    put("verify_foreign", (ROOT / "tests" / "hcert-chain" / "dsc.hc1.txt").read_bytes().strip())
    shc = ROOT / "tests" / "interop" / "shc"
    for path in sorted(shc.rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".smart-health-card", ".json") and "LICENSE" not in path.name:
            put("verify_foreign", path.read_bytes())
    for n in range(4):
        chunks = sorted((shc / "examples").glob(f"example-0{n}-f-qr-code-numeric-value-*.txt"))
        put("verify_foreign", b"\n".join(p.read_bytes().strip() for p in chunks))
    print(f"seeded {OUT} from {count} vectors and the foreign-format test data")


main()
