//! RFC 7512 PKCS#11 URIs: parsing, percent-encoding, refusals. Pure Rust,
//! no token needed.

use std::path::PathBuf;

use proptest::prelude::*;
use travelcert::keys::{Pkcs11Error, Pkcs11Uri};

fn refused(uri: &str) -> String {
    match Pkcs11Uri::parse(uri) {
        Err(Pkcs11Error::InvalidUri(why)) => why,
        other => panic!("{uri}: expected InvalidUri, got {other:?}"),
    }
}

#[test]
fn the_documented_uri_parses() {
    let uri = Pkcs11Uri::parse(
        "pkcs11:token=travelcert;object=issuer?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/abs/path/pin.txt",
    )
    .unwrap();
    assert_eq!(uri.token.as_deref(), Some("travelcert"));
    assert_eq!(uri.object.as_deref(), Some("issuer"));
    assert_eq!(uri.id, None);
    assert_eq!(
        uri.module_path,
        Some(PathBuf::from("/usr/lib/softhsm/libsofthsm2.so"))
    );
    assert_eq!(uri.pin_source.as_deref(), Some("file:/abs/path/pin.txt"));
    assert!(uri.pin_value.is_none());
}

#[test]
fn values_are_percent_decoded() {
    let uri = Pkcs11Uri::parse(
        "pkcs11:token=My%20Token;object=%E4%BA%BA%3Bx;id=%00%ff%A5;serial=0123;manufacturer=SoftHSM%20project;model=SoftHSM%20v2;slot-id=42;type=private",
    )
    .unwrap();
    assert_eq!(uri.token.as_deref(), Some("My Token"));
    assert_eq!(uri.object.as_deref(), Some("人;x"));
    assert_eq!(uri.id.as_deref(), Some(&[0x00, 0xff, 0xa5][..]));
    assert_eq!(uri.serial.as_deref(), Some("0123"));
    assert_eq!(uri.manufacturer.as_deref(), Some("SoftHSM project"));
    assert_eq!(uri.model.as_deref(), Some("SoftHSM v2"));
    assert_eq!(uri.slot_id, Some(42));
    assert_eq!(uri.object_type.as_deref(), Some("private"));
}

#[test]
fn unknown_duplicate_and_misplaced_attributes_are_refused() {
    assert!(refused("pkcs11:token=a;colour=blue").contains("unknown attribute `colour`"));
    assert!(refused("pkcs11:token=a;x-vendor=1").contains("unknown attribute `x-vendor`"));
    assert!(refused("pkcs11:token=a?module-name=softhsm2").contains("unknown attribute"));
    assert!(refused("pkcs11:token=a;token=b").contains("`token` appears twice"));
    assert!(refused("pkcs11:object=a?pin-source=file:/p&pin-source=file:/q").contains("twice"));
    assert!(refused("pkcs11:object=a;module-path=/m.so").contains("query"));
    assert!(refused("pkcs11:object=a?token=t").contains("path"));
    assert!(refused("pkcs11:token=a;;object=b").contains("empty attribute"));
    assert!(refused("pkcs11:token=a;").contains("empty attribute"));
    assert!(refused("pkcs11:token").contains("NAME=VALUE"));
    assert!(refused("pkcs11:type=cert").contains("type=cert"));
    assert!(refused("pkcs11:slot-id=x1").contains("slot-id"));
    assert!(refused("pkcs11:slot-id=99999999999999999999999").contains("slot-id"));
}

#[test]
fn bad_escapes_raw_characters_and_bad_pin_sources_are_refused() {
    assert!(refused("pkcs11:token=a%2").contains("two hexadecimal digits"));
    assert!(refused("pkcs11:token=a%zz").contains("two hexadecimal digits"));
    assert!(refused("pkcs11:token=a b").contains("percent-encoded"));
    assert!(refused("pkcs11:token=人").contains("percent-encoded"));
    assert!(refused("pkcs11:object=a/b").contains("percent-encoded"));
    assert!(refused("pkcs11:object=%ff%fe").contains("UTF-8"));
    assert!(refused("PKCS11:token=a").contains("pkcs11:"));
    assert!(refused("file:/x").contains("pkcs11:"));
    assert!(refused("pkcs11:object=a?pin-source=pin.txt").contains("absolute"));
    assert!(refused("pkcs11:object=a?pin-source=file:pin.txt").contains("absolute"));
    assert!(refused("pkcs11:object=a?pin-source=file://host/pin").contains("another host"));
    assert!(refused("pkcs11:object=a?pin-source=%7Ccat").contains("absolute"));
    let long = format!("pkcs11:object={}", "a".repeat(5000));
    assert!(refused(&long).contains("longer than"));
    for ok in [
        "file:/run/pin",
        "file:///run/pin",
        "file://localhost/run/pin",
        "/run/pin",
    ] {
        let uri = Pkcs11Uri::parse(&format!("pkcs11:object=a?pin-source={ok}")).unwrap();
        assert_eq!(uri.pin_source.as_deref(), Some(ok));
    }
}

#[test]
fn a_pin_value_is_parsed_but_never_shown() {
    let uri = Pkcs11Uri::parse("pkcs11:object=a?pin-value=12%2034").unwrap();
    assert_eq!(uri.pin_value.as_deref().map(String::as_str), Some("12 34"));
    assert!(!uri.to_string().contains("12"), "{uri}");
    assert!(!format!("{uri:?}").contains("34"), "{uri:?}");
}

#[test]
fn an_empty_uri_matches_everything() {
    assert_eq!(Pkcs11Uri::parse("pkcs11:").unwrap(), Pkcs11Uri::default());
    assert_eq!(
        Pkcs11Uri::parse("pkcs11:?module-path=/m.so")
            .unwrap()
            .module_path,
        Some(PathBuf::from("/m.so"))
    );
}

fn label() -> impl Strategy<Value = Option<String>> {
    proptest::option::of(any::<String>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Display percent-encodes whatever a label or id holds; parsing gives it back.
    #[test]
    fn display_round_trips(
        token in label(),
        object in label(),
        serial in label(),
        id in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40)),
        slot_id in proptest::option::of(any::<u64>()),
        module in proptest::option::of("/[a-zA-Z0-9 ./_%&;?=-]{1,40}"),
        pin in proptest::option::of("/[a-zA-Z0-9 ._%&;?=-][a-zA-Z0-9 ./_%&;?=-]{0,39}"),
    ) {
        let uri = Pkcs11Uri {
            token, object, serial, id, slot_id,
            module_path: module.map(PathBuf::from),
            pin_source: pin.map(|p| format!("file:{p}")),
            ..Pkcs11Uri::default()
        };
        let text = uri.to_string();
        prop_assert_eq!(Pkcs11Uri::parse(&text).unwrap(), uri, "{}", text);
    }

    /// Every byte survives percent-encoding, in either case of hex digit.
    #[test]
    fn any_id_bytes_decode(id in proptest::collection::vec(any::<u8>(), 1..64), upper in any::<bool>()) {
        let hex: String = id.iter().map(|b| if upper { format!("%{b:02X}") } else { format!("%{b:02x}") }).collect();
        let uri = Pkcs11Uri::parse(&format!("pkcs11:id={hex}")).unwrap();
        prop_assert_eq!(uri.id, Some(id));
    }

    /// Arbitrary input never panics: it parses or gets InvalidUri.
    #[test]
    fn arbitrary_text_parses_or_is_refused(text in "pkcs11:[ -~]{0,80}") {
        match Pkcs11Uri::parse(&text) {
            Ok(_) | Err(Pkcs11Error::InvalidUri(_)) => {}
            Err(other) => prop_assert!(false, "{other:?}"),
        }
    }

    /// A repeated attribute is refused wherever the copy stands.
    #[test]
    fn duplicates_are_refused(
        name in prop::sample::select(vec!["token", "object", "id", "serial", "model", "manufacturer"]),
        a in "[a-z0-9]{1,8}",
        b in "[a-z0-9]{1,8}",
        between in prop::sample::select(vec!["", "slot-id=1;", "type=private;"]),
    ) {
        let text = format!("pkcs11:{name}={a};{between}{name}={b}");
        let why = refused(&text);
        let want = format!("`{name}` appears twice");
        prop_assert!(why.contains(&want), "{}", why);
    }
}
