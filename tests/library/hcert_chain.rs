//! `HC1:` trust once roots are configured: DSCs that chain to a configured
//! country signing CA (CSCA), each chain failure with its own error, bare DSC
//! files refused, and DSCs inside signed trust lists (type 4). The chain
//! fixtures are made by tests/hcert-chain/gen.sh; the certificates are signed
//! here with the one DSC key they share.

use sha2::{Digest, Sha256};
use travelcert::issue::{Ed25519Signer, Signer};
use travelcert::model::{CountryCode, Timestamp};
use travelcert::trust::{
    Csca, Dsc, ListState, Root, TrustInputError, TrustInputs, TrustList, TrustStore,
};
use travelcert::verify::{Verified, Verifier};
use travelcert::VerifyError;

use super::common::TEST1_SEED;
use super::hcert_sign::{file, hc1, pem_der, DIR, EXP, IAT, NOW};

fn now() -> Timestamp {
    Timestamp::from_unix(NOW).unwrap()
}

fn der(name: &str) -> Vec<u8> {
    Dsc::load(&file(name)).unwrap()[0].der().to_vec()
}

#[test]
fn the_fixtures_are_where_gen_sh_writes_them() {
    assert!(std::path::Path::new(DIR).join("gen.sh").exists());
}

fn root() -> Ed25519Signer {
    Ed25519Signer::from_seed(&TEST1_SEED)
}

/// A store from `cscas` (file, scope) then `dscs`, with a root configured
/// when `rooted`.
fn store(
    rooted: bool,
    cscas: &[(&str, &[&str])],
    dscs: &[&str],
) -> Result<TrustStore, TrustInputError> {
    let roots = if rooted {
        vec![Root::new(root().public_key())]
    } else {
        Vec::new()
    };
    let mut state = ListState::default();
    let mut inputs = TrustInputs::new(roots, &mut state, now());
    for (name, scope) in cscas {
        let scope: Vec<CountryCode> = scope.iter().map(|c| CountryCode::new(c).unwrap()).collect();
        inputs.add_csca(name, &file(name), &scope)?;
    }
    for name in dscs {
        inputs.add_dsc(name, &file(name))?;
    }
    Ok(inputs.into_store())
}

fn verify(store: TrustStore, dsc_file: &str) -> Result<Verified, VerifyError> {
    Verifier::new(store).verify(&hc1(dsc_file), now())
}

/// A CSCA's fingerprint: SHA-256 of its DER, first 8 bytes, hex.
fn fingerprint(csca: &str) -> String {
    hex::encode(&Sha256::digest(pem_der(csca))[..8])
}

#[test]
fn a_dsc_chained_to_a_configured_csca_verifies_with_a_root_configured() {
    for (csca, dsc) in [
        ("csca.pem", "dsc.pem"),
        ("csca-rsa.pem", "dsc-rsa.pem"),
        ("csca-rsa.pem", "dsc-pss.pem"),
        ("csca-p384.pem", "dsc-p384.pem"),
    ] {
        let store = store(true, &[(csca, &[])], &[dsc]).unwrap();
        let v = verify(store, dsc).unwrap_or_else(|e| panic!("{dsc}: {e}"));
        let chained = v.origin().dsc().unwrap().chained_to().unwrap();
        assert_eq!(chained.to_string(), fingerprint(csca), "{dsc}");
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["dsc"]["csca"], fingerprint(csca));
        assert_eq!(json["format"], "eu-dcc");
    }
    // Without roots a CSCA works the same way; a scope naming the country too.
    let store = store(false, &[("csca.pem", &["DE"])], &["dsc.pem"]).unwrap();
    assert!(verify(store, "dsc.pem").is_ok());
}

#[test]
fn each_chain_failure_gets_its_own_error() {
    let cases: [(&str, &[&str], &str, &str); 6] = [
        ("csca-rsa.pem", &[], "dsc.pem", "HcertDscNotChained"),
        (
            "csca.pem",
            &[],
            "dsc-impostor.pem",
            "HcertCscaSignatureInvalid",
        ),
        ("notca.pem", &[], "dsc-notca.pem", "HcertCscaNotCa"),
        ("csca-late.pem", &[], "dsc-early.pem", "HcertCscaNotValid"),
        ("csca.pem", &[], "dsc-fr.pem", "HcertCscaCountry"),
        ("csca.pem", &["FR"], "dsc.pem", "HcertCscaCountry"),
    ];
    for (csca, scope, dsc, expected) in cases {
        for rooted in [true, false] {
            let store = store(rooted, &[(csca, scope)], &[dsc]).unwrap();
            let e = verify(store, dsc).unwrap_err();
            assert_eq!(e.name(), expected, "{csca} {scope:?} {dsc}: {e}");
            assert_eq!(
                e.kind(),
                travelcert::VerifyErrorKind::UntrustedKey,
                "{expected}"
            );
        }
    }
    // The same DSCs as bare files (no root, no CSCA) verify: only the chain refused them.
    for dsc in ["dsc-impostor.pem", "dsc-notca.pem", "dsc-early.pem"] {
        assert!(
            verify(store(false, &[], &[dsc]).unwrap(), dsc).is_ok(),
            "{dsc}"
        );
    }
}

#[test]
fn a_bare_dsc_file_is_refused_once_a_root_is_configured() {
    let e = store(true, &[], &["dsc.pem"]).unwrap_err();
    assert_eq!(e.name(), "TrustUnsignedRefused");
    assert_eq!(e.input(), "dsc.pem");
    // A CSCA that is not a certificate is refused at load, naming the file.
    let mut state = ListState::default();
    let mut inputs = TrustInputs::new(Vec::new(), &mut state, now());
    let e = inputs
        .add_csca("x.pem", b"not a certificate", &[])
        .unwrap_err();
    assert_eq!(e.input(), "x.pem");
    assert!(matches!(
        Csca::load(b"junk"),
        Err(travelcert::TrustError::Csca { .. })
    ));
}

fn dsc_list(sequence: u64) -> TrustList {
    let mut list = TrustList::new(
        Timestamp::from_unix(IAT).unwrap(),
        sequence,
        Timestamp::from_unix(EXP).unwrap(),
    );
    list.dscs = Dsc::load(&file("dsc.pem")).unwrap();
    list
}

fn load_list(roots: Vec<Root>, bytes: &[u8]) -> Result<TrustStore, TrustInputError> {
    let mut state = ListState::default();
    let mut inputs = TrustInputs::new(roots, &mut state, now());
    inputs.add_signed_list("list.cose", bytes)?;
    Ok(inputs.into_store())
}

#[test]
fn a_dsc_inside_a_signed_trust_list_verifies_and_names_the_root() {
    let list = dsc_list(1);
    assert_eq!(list.document_type().code(), 4);
    let signed = list.sign(&root()).unwrap();
    let store = load_list(vec![Root::new(root().public_key())], &signed).unwrap();
    let v = verify(store, "dsc.pem").unwrap();
    assert_eq!(v.origin().root(), Some(&root().public_key()));
    assert_eq!(v.origin().dsc().unwrap().country().unwrap().as_str(), "DE");
    // The JSON form (for people) round-trips the DSCs.
    let again = TrustList::from_json(list.to_json().as_bytes()).unwrap();
    assert_eq!(again.dscs, list.dscs);
    assert_eq!(again.to_cbor(), list.to_cbor());
    // Without a root the list is refused as such.
    assert_eq!(
        load_list(Vec::new(), &signed).unwrap_err().name(),
        "TrustListNoRoot"
    );
}

#[test]
fn a_tampered_or_out_of_scope_dsc_list_is_refused() {
    let signed = dsc_list(1).sign(&root()).unwrap();
    let roots = vec![Root::new(root().public_key())];
    // Flip a byte inside the listed certificate.
    let der = der("dsc.pem");
    let at = signed
        .windows(der.len())
        .position(|w| w == der.as_slice())
        .unwrap();
    let mut tampered = signed.clone();
    tampered[at + der.len() / 2] ^= 1;
    assert_eq!(
        load_list(roots.clone(), &tampered).unwrap_err().name(),
        "ListSignatureInvalid"
    );
    // A root scoped to FR does not vouch for a DE DSC.
    let fr = vec![Root::scoped(
        root().public_key(),
        [CountryCode::new("FR").unwrap()],
    )];
    assert_eq!(
        load_list(fr, &signed).unwrap_err().name(),
        "ListKeyOutOfScope"
    );
    // A different DSC (the list names dsc.pem, the certificate is signed under dsc-fr.pem's kid).
    let store = load_list(roots, &signed).unwrap();
    assert_eq!(
        verify(store, "dsc-fr.pem").unwrap_err().name(),
        "HcertUnknownKid"
    );
}

/// tests/hcert-chain/dsc.hc1.txt (for the Python tests, which cannot sign)
/// is what `hc1("dsc.pem")` makes (ECDSA with RFC 6979 nonces is
/// deterministic). Regenerate after gen.sh: TRAVELCERT_BLESS=1.
#[test]
fn the_committed_hc1_text_is_current() {
    let path = format!("{DIR}/dsc.hc1.txt");
    let text = hc1("dsc.pem");
    if std::env::var_os("TRAVELCERT_BLESS").is_some() {
        std::fs::write(&path, format!("{text}\n")).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap().trim_end(),
        text,
        "run TRAVELCERT_BLESS=1 cargo test --all-features --test library hcert_chain"
    );
}

#[test]
fn a_store_from_a_signed_list_takes_only_chained_dscs() {
    let signed = dsc_list(1).sign(&root()).unwrap();
    let (mut store, _) =
        TrustStore::from_signed_list(&signed, &[root().public_key()], now(), 0).unwrap();
    assert!(store.is_signed());
    let before = store.clone();
    // Bare: refused before the bytes are read, whole files and single DSCs.
    let err = store.add_dscs(b"not even a certificate", &[]).unwrap_err();
    assert_eq!(err.name(), "TrustUnsignedRefused");
    let err = store
        .add_dsc(Dsc::from_der(&der("dsc-rsa.pem")).unwrap())
        .unwrap_err();
    assert_eq!(err.name(), "TrustUnsignedRefused");
    assert_eq!(store, before);
    // Checked against a configured CSCA: taken, and it verifies.
    let cscas = Csca::load(&file("csca-rsa.pem")).unwrap();
    assert_eq!(store.add_dscs(&file("dsc-rsa.pem"), &cscas).unwrap(), 1);
    assert!(verify(store.clone(), "dsc-rsa.pem").is_ok());
    let chained = Dsc::from_der(&der("dsc-pss.pem")).unwrap().chained(&cscas);
    store.add_dsc(chained).unwrap();
    assert!(verify(store, "dsc-pss.pem").is_ok());
    // An unsigned store takes a bare DSC.
    let mut plain = TrustStore::new();
    plain.add_dscs(&file("dsc.pem"), &[]).unwrap();
    assert!(verify(plain, "dsc.pem").is_ok());
}
