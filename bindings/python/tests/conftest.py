"""Shared fixtures: the repository's test vectors and sample data, and an
issuer key made by `openssl genpkey -algorithm ed25519`."""

import json
import pathlib
import shutil
import subprocess

import pytest

import travelcert

REPO = pathlib.Path(__file__).resolve().parents[3]
VECTORS = REPO / "tests" / "vectors"
EXAMPLES = REPO / "examples"
# The sample vector's instant: 2021-03-11T09:00:00Z, inside its validity.
SAMPLE_AT = 1615453200


def load_vector(path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample():
    return load_vector(VECTORS / "01-sample.json")


@pytest.fixture(scope="session")
def sample_verifier(sample):
    store = travelcert.TrustStore.from_json(json.dumps(sample["trust_store"]))
    return travelcert.Verifier(store, skew=sample["clock_skew"])


@pytest.fixture(scope="session")
def traveller():
    return json.loads((EXAMPLES / "data" / "traveller.json").read_text(encoding="utf-8"))


def openssl_key(directory):
    """A PKCS#8 PEM Ed25519 private key from openssl."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    path = directory / "key.pem"
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(path)],
        check=True,
        capture_output=True,
    )
    return path.read_text()


@pytest.fixture(scope="session")
def issuer_pem(tmp_path_factory):
    return openssl_key(tmp_path_factory.mktemp("issuer"))


@pytest.fixture(scope="session")
def issuer(issuer_pem):
    return travelcert.Issuer.from_pem(issuer_pem, "CN")
