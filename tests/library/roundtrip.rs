//! Round trips, determinism, tamper detection, and an independent COSE check.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::*;
use proptest::prelude::*;
use travelcert::codec::{self, base45};
use travelcert::model::*;
use travelcert::verify::{inspect, Verifier};

fn verifier() -> Verifier {
    Verifier::new(store())
}

#[test]
fn sample_fits_the_size_bar() {
    let text = issue(&sample());
    // QR version at ECC level Q for alphanumeric data (ISO/IEC 18004 capacity table).
    const Q_ALNUM: [usize; 20] = [
        16, 29, 47, 67, 87, 108, 125, 157, 189, 221, 259, 296, 352, 376, 426, 470, 531, 574, 644,
        702,
    ];
    let version = Q_ALNUM.iter().position(|&cap| cap >= text.len()).unwrap() + 1;
    println!(
        "sample: {} characters, QR version {version} at ECC level Q",
        text.len()
    );
    assert!(text.len() <= 450, "sample is {} characters", text.len());
}

#[test]
fn every_record_kind_round_trips_alone_and_together() {
    let full = sample();
    let mut only_nat = full.clone();
    only_nat.antibody_tests.clear();
    only_nat.vaccinations.clear();
    let mut only_antibody = full.clone();
    only_antibody.nat_tests.clear();
    only_antibody.vaccinations.clear();
    let mut only_vaccination = full.clone();
    only_vaccination.nat_tests.clear();
    only_vaccination.antibody_tests.clear();
    for record in [full, only_nat, only_antibody, only_vaccination] {
        let issued = issuer().issue(&record, &params()).unwrap();
        let verified = verifier().verify(&issued.text, t(VERIFY_AT)).unwrap();
        assert_eq!(*verified.certificate(), issued.certificate);
        assert_eq!(verified.certificate().record, record);
        // The JSON form round-trips too.
        let json = serde_json::to_string(verified.certificate()).unwrap();
        let back: Certificate = serde_json::from_str(&json).unwrap();
        assert_eq!(back, *verified.certificate());
    }
}

#[test]
fn a_record_without_tests_or_vaccinations_is_refused() {
    let mut r = sample();
    r.nat_tests.clear();
    r.antibody_tests.clear();
    r.vaccinations.clear();
    let err = issuer().issue(&r, &params()).unwrap_err();
    assert!(err.to_string().contains("at least one"), "{err}");
}

#[test]
fn issuing_is_deterministic_for_a_given_id() {
    assert_eq!(issue(&sample()), issue(&sample()));
    // Without an id, a random one is drawn each time.
    let p = travelcert::issue::IssueParams::new(t(ISSUED_AT), VALID_FOR);
    let a = issuer().issue(&sample(), &p).unwrap();
    let b = issuer().issue(&sample(), &p).unwrap();
    assert_ne!(a.certificate.certificate_id, b.certificate.certificate_id);
    assert_eq!(a.certificate.certificate_id.as_bytes().len(), 8);
}

#[test]
fn coset_reads_our_cose_sign1_and_agrees_on_the_signed_bytes() {
    use coset::{CborSerializable, TaggedCborSerializable};
    let issued = issuer().issue(&sample(), &params()).unwrap();
    let sign1 = coset::CoseSign1::from_tagged_slice(&issued.cose).unwrap();
    assert_eq!(
        sign1.protected.header.alg,
        Some(coset::Algorithm::Assigned(coset::iana::Algorithm::Ed25519))
    );
    assert_eq!(sign1.protected.header.key_id, test1_key().kid().0.to_vec());
    assert!(sign1.unprotected.is_empty());
    let tbs = sign1.tbs_data(&[]);
    let sig: [u8; 64] = sign1.signature.clone().try_into().unwrap();
    assert!(test1_key().verify_strict(&tbs, &sig));
    // And coset re-encodes it to the same bytes: our encoding is canonical COSE.
    assert_eq!(sign1.clone().to_tagged_vec().unwrap(), issued.cose);
    let claims = coset::cwt::ClaimsSet::from_slice(sign1.payload.as_ref().unwrap()).unwrap();
    assert_eq!(claims.issuer.as_deref(), Some("CN"));
    assert_eq!(
        claims.cwt_id,
        Some(vec![0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef])
    );
}

/// The decoded COSE bytes of a text, when it decodes that far.
fn cose_of(text: &str) -> Option<Vec<u8>> {
    let body = codec::text_to_body(text).ok()?;
    codec::body_to_cose(&body, 1 << 16)
        .ok()
        .map(|(c, _)| c.into_owned())
}

/// Asserts the tamper rule for one altered text.
fn check_altered(original_cose: &[u8], altered: &str) {
    let result = verifier().verify(altered, t(VERIFY_AT));
    if cose_of(altered).as_deref() == Some(original_cose) {
        // Only unused deflate bits (or zlib header level bits) changed: same signed bytes.
        assert!(result.is_ok(), "identical COSE rejected: {altered}");
    } else {
        assert!(result.is_err(), "altered text accepted: {altered}");
    }
}

#[test]
fn every_single_character_substitution_and_deletion_is_rejected() {
    let text = issue(&sample());
    let cose = cose_of(&text).unwrap();
    let chars: Vec<char> = text.chars().collect();
    let mut accepted_same_cose = 0;
    for i in 0..chars.len() {
        for &c in base45::ALPHABET
            .iter()
            .map(|b| b as &u8)
            .chain(b"a~".iter())
        {
            let c = c as char;
            if chars[i] == c {
                continue;
            }
            let mut altered = chars.clone();
            altered[i] = c;
            let altered: String = altered.into_iter().collect();
            check_altered(&cose, &altered);
            if cose_of(&altered).as_deref() == Some(&cose[..]) {
                accepted_same_cose += 1;
            }
        }
        let mut deleted = chars.clone();
        deleted.remove(i);
        check_altered(&cose, &deleted.into_iter().collect::<String>());
    }
    // Few substitutions can leave the COSE identical (padding bits of the last
    // deflate byte); report how many for the record.
    println!("substitutions leaving the COSE identical: {accepted_same_cose}");
}

#[test]
fn every_truncation_is_rejected() {
    let text = issue(&sample());
    for n in 0..text.len() {
        assert!(
            verifier().verify(&text[..n], t(VERIFY_AT)).is_err(),
            "truncated to {n}"
        );
    }
}

#[test]
fn inspect_decodes_without_trust_and_says_so() {
    let text = issue(&sample());
    let u = inspect(&text, 1 << 16).unwrap();
    assert!(!u.is_verified());
    assert_eq!(u.certificate().record, sample());
    let json = serde_json::to_value(&u).unwrap();
    assert_eq!(json["verified"], false);
}

// ---------------------------------------------------------------- proptest

fn latin(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[A-Z][A-Z' -]{{0,{max}}}")).unwrap()
}

fn free_text() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{1,24}"
}

fn country() -> impl Strategy<Value = CountryCode> {
    "[A-Z]{2}".prop_map(|s| CountryCode::new(&s).unwrap())
}

fn instant() -> impl Strategy<Value = Timestamp> {
    (0..=MAX_UNIX_SECONDS).prop_map(|s| Timestamp::from_unix(s).unwrap())
}

fn date() -> impl Strategy<Value = Date> {
    (-719_162i64..=2_932_896).prop_map(|d| Date::from_days_since_epoch(d).unwrap())
}

fn raw_items() -> impl Strategy<Value = Vec<RawCbor>> {
    prop::collection::vec(
        prop_oneof![
            any::<u8>().prop_map(|n| RawCbor::new(vec![0x18, n])),
            "[a-z]{0,5}".prop_map(|s| {
                let mut v = vec![0x60 + s.len() as u8];
                v.extend(s.bytes());
                RawCbor::new(v)
            }),
        ],
        0..2,
    )
}

fn facility() -> impl Strategy<Value = Facility> {
    (free_text(), country()).prop_map(|(name, country)| Facility { name, country })
}

fn holder() -> impl Strategy<Value = Holder> {
    (
        prop::option::of(free_text()),
        latin(20),
        prop_oneof![latin(20), Just(String::new())],
        prop_oneof![
            date().prop_map(BirthDate::Full),
            (1u16..=9999, 1u8..=12).prop_map(|(y, m)| BirthDate::year_month(y, m).unwrap()),
            (1u16..=9999).prop_map(|y| BirthDate::year(y).unwrap()),
        ],
        any::<u32>().prop_map(Sex::from_code),
        "[A-Z]{1,3}".prop_map(|s| Nationality::new(&s).unwrap()),
        any::<u32>().prop_map(DocumentType::from_code),
        "[A-Z0-9]{1,12}",
        prop::option::of(country()),
        prop::option::of(free_text()),
        raw_items(),
    )
        .prop_map(
            |(
                native_name,
                primary_name,
                secondary_name,
                date_of_birth,
                sex,
                nationality,
                document_type,
                document_number,
                residence_country,
                residence_city,
                unknown_elements,
            )| Holder {
                native_name,
                primary_name,
                secondary_name,
                date_of_birth,
                sex,
                nationality,
                document_type,
                document_number,
                residence_country,
                residence_city,
                unknown_elements,
            },
        )
}

pub(crate) fn nat() -> impl Strategy<Value = NatTest> {
    (
        any::<u32>(),
        any::<u32>(),
        instant(),
        any::<u32>(),
        facility(),
        raw_items(),
    )
        .prop_map(
            |(d, m, sampled_at, r, laboratory, unknown_elements)| NatTest {
                disease: Disease::from_code(d),
                method: NatMethod::from_code(m),
                sampled_at,
                result: NatResult::from_code(r),
                laboratory,
                unknown_elements,
            },
        )
}

fn antibody() -> impl Strategy<Value = AntibodyTest> {
    let quantity =
        (any::<i64>(), -18i8..=18, "[A-Za-z/]{1,8}").prop_map(|(mantissa, exponent, unit)| {
            Quantity {
                mantissa,
                exponent,
                unit,
            }
        });
    (
        any::<u32>(),
        instant(),
        any::<u32>(),
        facility(),
        prop::option::of(quantity),
        raw_items(),
    )
        .prop_map(
            |(c, sampled_at, r, laboratory, quantity, unknown_elements)| AntibodyTest {
                class: AntibodyClass::from_code(c),
                sampled_at,
                result: AntibodyResult::from_code(r),
                laboratory,
                quantity,
                unknown_elements,
            },
        )
}

pub(crate) fn vaccination() -> impl Strategy<Value = Vaccination> {
    (
        any::<u32>(),
        any::<u32>(),
        any::<u32>(),
        1u8..=99,
        1u8..=99,
        date(),
        facility(),
        raw_items(),
    )
        .prop_map(
            |(d, p, m, dose, series_total, date, centre, unknown_elements)| Vaccination {
                disease: Disease::from_code(d),
                product: VaccineProduct::from_code(p),
                manufacturer: Manufacturer::from_code(m),
                dose,
                series_total,
                date,
                centre,
                unknown_elements,
            },
        )
}

// The journey's newer keys, history entries (recovery NATs reuse nat()).
fn short_text() -> impl Strategy<Value = String> {
    "[^\\p{Cc}]{1,16}"
}

fn journey() -> impl Strategy<Value = Journey> {
    (
        prop::option::of("[A-Z0-9]{2,8}"),
        prop::option::of(country()),
        prop::option::of(instant()),
        prop::collection::vec(
            (country(), prop::option::of(short_text()), raw_items()).prop_map(
                |(country, place, unknown_elements)| TransitPoint {
                    country,
                    place,
                    unknown_elements,
                },
            ),
            0..3,
        ),
        prop::option::of(short_text()),
    )
        .prop_map(
            |(flight, departure_country, departure_at, transit, entry_port)| Journey {
                flight,
                departure_country,
                departure_at,
                transit,
                entry_port,
                unknown_keys: Extensions::default(),
            },
        )
}

fn history_entry() -> impl Strategy<Value = HistoryEntry> {
    (
        1u32..=6,
        any::<u32>(),
        date(),
        prop::option::of(0i64..400),
        raw_items(),
    )
        .prop_map(|(kind, d, date, recovered_after, unknown_elements)| {
            let kind = HistoryKind::from_code(kind);
            // A date of recovery only where the rules allow it.
            let may_recover = matches!(kind, HistoryKind::Diagnosis | HistoryKind::Unknown(_));
            let recovered_on = recovered_after
                .filter(|_| may_recover)
                .and_then(|n| Date::from_days_since_epoch(date.days_since_epoch() + n).ok());
            HistoryEntry {
                kind,
                disease: Disease::from_code(d),
                date,
                recovered_on,
                valid_from: None,
                valid_until: None,
                unknown_elements,
            }
        })
}

pub(crate) fn record() -> impl Strategy<Value = HealthRecord> {
    (
        holder(),
        prop::option::of(journey()),
        prop::collection::vec(nat(), 0..3),
        prop::collection::vec(antibody(), 0..3),
        prop::collection::vec(vaccination(), 0..3),
        // Keys 6 and 7 are history and recovery: unknown keys from 10.
        prop::collection::btree_map(10i64..100, any::<u8>(), 0..2),
        prop::collection::vec(history_entry(), 0..3),
        prop::collection::vec(nat(), 0..3),
    )
        .prop_filter("at least one record", |(_, _, n, a, v, _, _, _)| {
            !(n.is_empty() && a.is_empty() && v.is_empty())
        })
        .prop_map(
            |(
                holder,
                journey,
                nat_tests,
                antibody_tests,
                vaccinations,
                unknown,
                infection_history,
                recovery_tests,
            )| {
                let mut unknown_keys = Extensions::default();
                for (k, v) in unknown {
                    unknown_keys.insert(k, RawCbor::new(vec![0x18, v]));
                }
                HealthRecord {
                    holder,
                    journey,
                    nat_tests,
                    antibody_tests,
                    vaccinations,
                    antigen_tests: Vec::new(),
                    infection_history,
                    recovery_tests,
                    unknown_keys,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_certificate_round_trips(record in record(), id in prop::collection::vec(any::<u8>(), 8..=16)) {
        let params = travelcert::issue::IssueParams::new(t(ISSUED_AT), VALID_FOR)
            .with_id(CertificateId::new(&id).unwrap())
            .with_history();
        let issued = issuer().issue(&record, &params).unwrap();
        let again = issuer().issue(&record, &params).unwrap();
        prop_assert_eq!(&issued.text, &again.text, "encoding is deterministic");
        let verified = verifier().verify(&issued.text, t(VERIFY_AT)).unwrap();
        prop_assert_eq!(verified.certificate(), &issued.certificate);
        prop_assert_eq!(&verified.certificate().record, &record);
        let json = serde_json::to_string(verified.certificate()).unwrap();
        let back: Certificate = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back, verified.certificate());
        // With the preset dictionary: the same certificate; the text is at most
        // the header's 4-byte DICTID (6 characters) longer.
        let dict = issuer().issue(&record, &params.clone().with_dictionary()).unwrap();
        prop_assert_eq!(&dict.cose, &issued.cose, "the dictionary changes only the compression");
        prop_assert!(dict.text.len() <= issued.text.len() + 6, "{} vs {}", dict.text.len(), issued.text.len());
        let verified = verifier().verify(&dict.text, t(VERIFY_AT)).unwrap();
        prop_assert_eq!(verified.certificate(), &issued.certificate);
    }

    #[test]
    fn dictionary_bodies_of_arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        // A well-formed FDICT header naming dictionary 1, then anything.
        let mut body = vec![0x78, 0xbb];
        body.extend_from_slice(&travelcert::codec::dictionary::DICTIONARY_1_ID.to_be_bytes());
        body.extend_from_slice(&bytes);
        let text = format!("TC1:{}", base45::encode(&body));
        prop_assert!(verifier().verify(&text, t(VERIFY_AT)).is_err());
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let text = format!("TC1:{}", base45::encode(&bytes));
        let _ = verifier().verify(&text, t(VERIFY_AT));
        let _ = inspect(&text, 1 << 16);
        let _ = travelcert::cose::CoseSign1::parse(&bytes);
        let _ = travelcert::codec::claims::decode_claims(&bytes);
    }

    #[test]
    fn decoding_arbitrary_text_never_panics(text in "\\PC{0,80}") {
        let _ = verifier().verify(&text, t(VERIFY_AT));
        let _ = verifier().verify(&format!("TC1:{text}"), t(VERIFY_AT));
    }

    #[test]
    fn any_insertion_is_rejected(pos in 0usize..430, c in prop::sample::select(base45::ALPHABET.to_vec())) {
        let text = issue(&sample());
        let cose = cose_of(&text).unwrap();
        let pos = pos % (text.len() + 1);
        let mut altered = text.clone();
        altered.insert(pos, c as char);
        check_altered(&cose, &altered);
    }
}
