//! SMART Health Card issuers inside signed trust lists (type 4): with a root
//! configured, this is how key sets arrive. A listed issuer verifies the
//! specification's example; a scoped root cannot list another country's
//! issuer; a bad key set or URL is refused at load; a tampered list is
//! refused; the list survives its JSON form.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use travelcert::cose::{sign1, Algorithm, ProtectedHeader};
use travelcert::issue::{Ed25519Signer, Signer as _};
use travelcert::model::{CountryCode, Timestamp};
use travelcert::trust::{ListState, ListedShcIssuer, Root, TrustInputs, TrustList, TrustStore};
use travelcert::verify::{Format, Verifier};

use super::shc::{at, data, jwks, ISSUER};

fn root() -> Ed25519Signer {
    Ed25519Signer::from_seed(&[9; 32])
}

fn list_with(url: &str, country: &str, jwks: &[u8]) -> TrustList {
    let issued = Timestamp::from_unix(at().unix() - 3600).unwrap();
    let mut list = TrustList::new(issued, 1, issued.saturating_add(30 * 86_400));
    list.shc_issuers.push(ListedShcIssuer::new(
        url,
        CountryCode::new(country).unwrap(),
        jwks.to_vec(),
    ));
    list
}

fn load(roots: Vec<Root>, signed: &[u8]) -> Result<TrustStore, travelcert::trust::TrustInputError> {
    let mut state = ListState::default();
    let mut inputs = TrustInputs::new(roots, &mut state, at());
    inputs.add("list.cose", signed)?;
    Ok(inputs.into_store())
}

/// The list signed by the root without checking its entries, as another
/// implementation might sign it.
fn sign_unchecked(list: &TrustList) -> Vec<u8> {
    let header = ProtectedHeader {
        alg: Algorithm::Ed25519,
        kid: root().public_key().kid(),
    };
    sign1::sign(&header, &list.to_cbor(), |tbs| root().sign(tbs)).unwrap()
}

fn example_00() -> String {
    data("examples/example-00-f-qr-code-numeric-value-0.txt")
}

#[test]
fn a_listed_issuer_verifies_its_cards_under_the_root() {
    let list = list_with(ISSUER, "US", jwks().as_bytes());
    assert_eq!(list.document_type().code(), 4);
    let signed = list.sign(&root()).unwrap();
    let store = load(vec![Root::new(root().public_key())], &signed).unwrap();
    let v = Verifier::new(store).verify(&example_00(), at()).unwrap();
    assert_eq!(v.origin().format(), Format::Shc);
    // The verdict names the root that listed the issuer, as for keys and DSCs.
    assert_eq!(v.origin().root(), Some(&root().public_key()));
    let json = serde_json::to_value(&v).unwrap();
    assert_eq!(
        json["vouched_by"],
        travelcert::trust::fingerprint(&root().public_key())
    );
    // The same list under another root is not trusted at all.
    let other = Ed25519Signer::from_seed(&[10; 32]);
    let err = load(vec![Root::new(other.public_key())], &signed).unwrap_err();
    assert_eq!(err.name(), "ListUnknownRoot");
    // One flipped byte anywhere in the signed list: refused.
    let mut tampered = signed.clone();
    let i = tampered.len() / 2;
    tampered[i] ^= 1;
    assert!(load(vec![Root::new(root().public_key())], &tampered).is_err());
}

#[test]
fn a_scoped_root_lists_only_its_countries_issuers() {
    let signed = list_with(ISSUER, "US", jwks().as_bytes())
        .sign(&root())
        .unwrap();
    let scoped = Root::scoped(root().public_key(), vec![CountryCode::new("CA").unwrap()]);
    let err = load(vec![scoped], &signed).unwrap_err();
    assert_eq!(err.name(), "ListKeyOutOfScope");
    let scoped = Root::scoped(root().public_key(), vec![CountryCode::new("US").unwrap()]);
    assert!(load(vec![scoped], &signed).is_ok());
}

#[test]
fn a_listed_key_set_or_url_that_does_not_load_refuses_the_list() {
    for (url, keys) in [
        (ISSUER, &b"{\"keys\": 5}"[..]),
        ("http://insecure.example/issuer", jwks().as_bytes()),
        ("https://example.org/issuer/", jwks().as_bytes()),
    ] {
        let list = list_with(url, "US", keys);
        // Our signer refuses such a list; one signed elsewhere is refused on load.
        assert!(list.sign(&root()).is_err(), "{url}");
        let signed = sign_unchecked(&list);
        let err = load(vec![Root::new(root().public_key())], &signed).unwrap_err();
        assert_eq!(err.name(), "ListShcIssuer", "{url}");
    }
}

#[test]
fn the_json_form_round_trips() {
    let list = list_with(ISSUER, "US", jwks().as_bytes());
    let json = list.to_json();
    assert!(json.contains("\"shc_issuers\"") && json.contains(ISSUER));
    let back = TrustList::from_json(json.as_bytes()).unwrap();
    assert_eq!(back.shc_issuers.len(), 1);
    assert_eq!(back.shc_issuers[0].url, ISSUER);
    // The key set is kept as JSON (re-serialised), and still loads.
    let signed = back.sign(&root()).unwrap();
    let store = load(vec![Root::new(root().public_key())], &signed).unwrap();
    assert!(Verifier::new(store).verify(&example_00(), at()).is_ok());
}

#[test]
fn revocation_lists_ride_with_their_issuer() {
    let crl_file = "examples/issuer/crl-3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json";
    let example_03 = data("examples/example-03-f-qr-code-numeric-value-0.txt");
    // The issuer's own list: its entry predates example 03's nbf, so no revocation.
    let mut list = list_with(ISSUER, "US", jwks().as_bytes());
    list.add_shc_crl(data(crl_file).into_bytes()).unwrap();
    let store = load(
        vec![Root::new(root().public_key())],
        &list.sign(&root()).unwrap(),
    )
    .unwrap();
    assert!(Verifier::new(store).verify(&example_03, at()).is_ok());
    // An edited list (the rid alone) revokes it, from inside the signed list.
    let edited = data(crl_file).replace("vwAjHdarZuc.1664492124", "vwAjHdarZuc");
    let mut list = list_with(ISSUER, "US", jwks().as_bytes());
    list.add_shc_crl(edited.clone().into_bytes()).unwrap();
    let signed = list.sign(&root()).unwrap();
    let store = load(vec![Root::new(root().public_key())], &signed).unwrap();
    let err = Verifier::new(store).verify(&example_03, at()).unwrap_err();
    assert_eq!(err.name(), "ShcRevoked");
    // It survives the JSON form.
    let back = TrustList::from_json(list.to_json().as_bytes()).unwrap();
    assert_eq!(back.shc_issuers[0].crls.len(), 1);
    // A list whose ctr is not the key's crlVersion has no issuer to go to.
    let wrong_ctr = edited.replace("\"ctr\": 1", "\"ctr\": 7");
    assert_ne!(wrong_ctr, edited, "the fixture's ctr changed");
    let mut list = list_with(ISSUER, "US", jwks().as_bytes());
    let err = list.add_shc_crl(wrong_ctr.into_bytes()).unwrap_err();
    assert!(err.to_string().contains("crlVersion"), "{err}");
    assert!(list.shc_issuers[0].crls.is_empty());
}

#[test]
fn a_store_from_a_signed_list_refuses_bare_key_sets_and_revocation_lists() {
    let crl = data("examples/issuer/crl-3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json");
    // Unsigned, a store takes both.
    let mut plain = TrustStore::new();
    assert!(!plain.is_signed());
    plain.add_shc_issuer(ISSUER, jwks().as_bytes()).unwrap();
    plain.add_shc_crl(crl.as_bytes()).unwrap();
    // Loaded from a signed list (through the library or its inputs), it
    // takes neither, and is left as it was.
    let list = list_with(ISSUER, "US", jwks().as_bytes());
    let signed = list.sign(&root()).unwrap();
    let (from_list, _) =
        TrustStore::from_signed_list(&signed, &[root().public_key()], at(), 0).unwrap();
    let from_inputs = load(vec![Root::new(root().public_key())], &signed).unwrap();
    for store in [from_list, from_inputs] {
        assert!(store.is_signed());
        let mut store = store;
        let before = store.clone();
        let err = store
            .add_shc_issuer("https://other.example", jwks().as_bytes())
            .unwrap_err();
        assert_eq!(err.name(), "TrustUnsignedRefused");
        assert!(
            err.to_string().contains("SMART Health Card key set"),
            "{err}"
        );
        let err = store.add_shc_crl(crl.as_bytes()).unwrap_err();
        assert_eq!(err.name(), "TrustUnsignedRefused");
        assert_eq!(store, before);
        // Its own listed issuer still verifies.
        assert!(Verifier::new(store).verify(&example_00(), at()).is_ok());
    }
    // Merging a signed store into an unsigned one makes it signed.
    let (from_list, _) =
        TrustStore::from_signed_list(&signed, &[root().public_key()], at(), 0).unwrap();
    let mut merged = TrustStore::new();
    merged.merge(from_list);
    assert!(merged.is_signed());
    assert!(merged.with_shc_issuer(ISSUER, jwks().as_bytes()).is_err());
    // A list whose key set does not load is not signed.
    let bad = list_with(ISSUER, "US", b"{\"keys\": 7}");
    let err = bad.sign(&root()).unwrap_err();
    assert!(
        err.to_string().contains("SMART Health Card issuer #0"),
        "{err}"
    );
}
