#!/usr/bin/env python3
"""Prints the ratio table from the last `cargo bench --bench core` run.

Every figure is the criterion mean, divided by the raw ed25519-dalek operation
measured in the same run (verify_strict for verification, sign for issuing).
"""
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"


def mean(group, bench):
    path = root / group / bench / "new" / "estimates.json"
    if not path.exists():
        sys.exit(f"missing {path}: run `cargo bench --features issue --bench core` first")
    return json.loads(path.read_text())["mean"]["point_estimate"] / 1000.0  # µs


def row(name, us, floor, floor_name):
    print(f"| {name} | {us:.2f} µs | {us / floor:.3f}× {floor_name} |")


if sys.argv[1:] == ["pkcs11"]:
    # `cargo bench --features pkcs11 --bench pkcs11`: the work around the token.
    raw = mean("pkcs11", "raw_c_sign")
    pooled = mean("pkcs11", "signer_sign")
    issue = mean("pkcs11", "issue_end_to_end")
    msign = mean("pkcs11", "memory_raw_sign")
    missue = mean("pkcs11", "memory_issue_end_to_end")
    print("| benchmark | mean | vs raw C_Sign |")
    print("|---|---|---|")
    row("raw C_Sign (floor)", raw, raw, "C_Sign")
    row("Pkcs11Signer::sign", pooled, raw, "C_Sign")
    row("issue end to end (token)", issue, raw, "C_Sign")
    print(f"| pool overhead (sign − C_Sign) | {pooled - raw:.2f} µs | |")
    print(f"| overhead per certificate (issue − C_Sign) | {issue - raw:.2f} µs | goal ≤ 25 µs |")
    print(f"| same with an in-memory key (issue − sign) | {missue - msign:.2f} µs | |")
    sys.exit(0)

print("| benchmark | mean | ratio |")
print("|---|---|---|")
v = mean("verify", "raw_verify_strict")
row("raw verify_strict (floor)", v, v, "verify_strict")
for b in ["end_to_end", "stage_base45_decode", "stage_inflate", "stage_cose_parse", "stage_claims_decode"]:
    row(f"verify {b}", mean("verify", b), v, "verify_strict")
s = mean("issue", "raw_sign")
z = mean("issue", "raw_zlib_compress")
row("raw sign (floor)", s, s, "sign")
row("raw zlib compress of the COSE", z, s, "sign")
for b in ["end_to_end", "stage_encode_claims", "stage_sign1", "stage_base45_encode"]:
    row(f"issue {b}", mean("issue", b), s, "sign")
e = mean("issue", "end_to_end")
print(f"| issue end_to_end vs (sign + zlib) | | {e / (s + z):.3f}× |")
one = mean("batch64", "one_by_one")
bat = mean("batch64", "verify_batch")
print(f"| 64 certificates one by one | {one:.1f} µs | |")
print(f"| 64 certificates verify_batch | {bat:.1f} µs | {one / bat:.2f}× throughput |")
