"""Benchmark: Python `Verifier.verify` against the Rust `Verifier::verify`
on the sample certificate, measured in the same process, and
`verify_batch` against a loop of `verify`.

Run after installing the package (pip install ./bindings/python):

    python bindings/python/bench.py [--n 2000] [--rounds 7]

The Rust side is the library call looped inside the extension
(`Verifier._time_rust_verify`, the GIL released), so both sides run on the
same machine at the same moment. The three measurements are interleaved in
short rounds, so a shared machine's load falls on all of them alike; the
ratios are the medians of the per-round ratios, the times the best rounds.
"""

import argparse
import json
import pathlib
import statistics
import time

import travelcert

SAMPLE = pathlib.Path(__file__).resolve().parents[2] / "tests" / "vectors" / "01-sample.json"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="verifications per round")
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    vector = json.loads(SAMPLE.read_text(encoding="utf-8"))
    verifier = travelcert.Verifier(travelcert.TrustStore.from_json(json.dumps(vector["trust_store"])))
    text, at, n = vector["qr_text"], vector["verify_at"], args.n
    assert verifier.verify(text, at) == vector["expected"]

    def python_verify():
        start = time.perf_counter()
        for _ in range(n):
            verifier.verify(text, at)
        return (time.perf_counter() - start) / n

    def rust_verify():
        return verifier._time_rust_verify(text, at, n) / n

    texts = [text] * n

    def python_batch():
        start = time.perf_counter()
        verifier.verify_batch(texts, at)
        return (time.perf_counter() - start) / n

    python_verify()  # warm up
    rows = []
    for _ in range(args.rounds):
        rust = rust_verify()
        python = python_verify()
        batch = python_batch()
        rows.append((rust, python, batch))
    rust = min(r for r, _, _ in rows)
    python = min(p for _, p, _ in rows)
    batch = min(b for _, _, b in rows)
    ratio = statistics.median(p / r for r, p, _ in rows)
    speedup = statistics.median(p / b for _, p, b in rows)
    print(f"sample certificate, {args.rounds} interleaved rounds of {n} verifications")
    print(f"Rust   Verifier::verify        {rust * 1e6:8.1f} µs (best round)")
    print(f"Python Verifier.verify         {python * 1e6:8.1f} µs (best round); median ratio {ratio:.2f}× Rust (goal ≤ 1.5×)")
    print(f"Python Verifier.verify_batch   {batch * 1e6:8.1f} µs per text (best round); median {speedup:.2f}× the throughput of a verify loop")

if __name__ == "__main__":
    main()
