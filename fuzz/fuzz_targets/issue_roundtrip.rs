//! issue(arbitrary record) → verify: every record the issuer accepts must
//! verify and come back equal. Records are built from the fuzz bytes with
//! `arbitrary`, field by field within the model's character sets so most pass
//! validation; the rest must be refused by `issue`, never mis-encoded.
#![no_main]

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use travelcert::issue::{Ed25519Signer, IssueParams, Issuer, Signer};
use travelcert::model::*;
use travelcert::trust::{TrustStore, TrustedKey};
use travelcert::verify::Verifier;

fn text_from(u: &mut Unstructured, alphabet: &[u8], min: usize, max: usize) -> Result<String> {
    let n = u.int_in_range(min..=max)?;
    let mut s = String::with_capacity(n);
    for _ in 0..n {
        s.push(*u.choose(alphabet)? as char);
    }
    Ok(s)
}

/// A value in `range` seven times in eight, any value otherwise (which the
/// issuer must then refuse when it breaks a rule).
fn mostly<T>(u: &mut Unstructured, range: std::ops::RangeInclusive<T>) -> Result<T>
where
    T: arbitrary::unstructured::Int + for<'a> arbitrary::Arbitrary<'a>,
{
    if u.ratio(1, 8)? {
        u.arbitrary()
    } else {
        u.int_in_range(range)
    }
}

fn free_text(u: &mut Unstructured) -> Result<String> {
    // Any string at all (arbitrary UTF-8, control characters included): the
    // issuer must refuse what the rules forbid.
    if u.ratio(1, 4)? {
        return u.arbitrary();
    }
    let mut s = text_from(u, b"ABCDEFGHIJ abcdefghij.-0123456789", 1, 40)?;
    if u.arbitrary()? {
        s.push_str("王小明 Ñ");
    }
    Ok(s)
}

fn country(u: &mut Unstructured) -> Result<CountryCode> {
    let s = text_from(u, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 2, 2)?;
    Ok(CountryCode::new(&s).unwrap())
}

fn instant(u: &mut Unstructured) -> Result<Timestamp> {
    Ok(Timestamp::from_unix(u.int_in_range(0..=MAX_UNIX_SECONDS)?).unwrap())
}

fn date(u: &mut Unstructured) -> Result<Date> {
    Ok(Date::from_days_since_epoch(u.int_in_range(-719_162..=2_932_896)?).unwrap())
}

fn raw_items(u: &mut Unstructured) -> Result<Vec<RawCbor>> {
    let n = u.int_in_range(0..=2)?;
    (0..n)
        .map(|_| {
            Ok(match u.int_in_range(0..=2)? {
                0 => RawCbor::new(vec![0x18, u.arbitrary()?]),
                1 => RawCbor::new(vec![0x62, b'o', b'k']),
                _ => RawCbor::new(vec![0x82, 0x01, 0xf6]),
            })
        })
        .collect()
}

fn facility(u: &mut Unstructured) -> Result<Facility> {
    Ok(Facility {
        name: free_text(u)?,
        country: country(u)?,
    })
}

const LATIN: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ -'";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

fn record(u: &mut Unstructured) -> Result<HealthRecord> {
    let holder = Holder {
        native_name: if u.arbitrary()? {
            Some(free_text(u)?)
        } else {
            None
        },
        primary_name: text_from(u, LATIN, 1, 64)?,
        secondary_name: text_from(u, LATIN, 0, 64)?,
        date_of_birth: match u.int_in_range(0..=2)? {
            0 => BirthDate::Full(date(u)?),
            1 => {
                match BirthDate::year_month(u.int_in_range(0..=10_000)?, u.int_in_range(0..=13)?) {
                    Ok(d) => d,
                    Err(_) => BirthDate::Full(date(u)?),
                }
            }
            _ => match BirthDate::year(u.arbitrary()?) {
                Ok(d) => d,
                Err(_) => BirthDate::Full(date(u)?),
            },
        },
        sex: Sex::from_code(u.arbitrary()?),
        nationality: Nationality::new(&text_from(u, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1, 3)?).unwrap(),
        document_type: DocumentType::from_code(u.arbitrary()?),
        document_number: text_from(u, ALNUM, 1, 32)?,
        residence_country: if u.arbitrary()? {
            Some(country(u)?)
        } else {
            None
        },
        residence_city: if u.arbitrary()? {
            Some(free_text(u)?)
        } else {
            None
        },
        unknown_elements: raw_items(u)?,
    };
    let journey = if u.arbitrary()? {
        let mut j = Journey::default();
        if u.arbitrary()? {
            j.flight = Some(text_from(u, b"AB019 ", 1, 16)?);
        }
        if u.arbitrary()? {
            j.unknown_keys
                .insert(u.int_in_range(2..=1000)?, RawCbor::new(vec![0xf5]));
        }
        Some(j)
    } else {
        None
    };
    let mut nat_tests = Vec::new();
    for _ in 0..u.int_in_range(0..=3)? {
        nat_tests.push(NatTest {
            disease: Disease::from_code(u.arbitrary()?),
            method: NatMethod::from_code(u.arbitrary()?),
            sampled_at: instant(u)?,
            result: NatResult::from_code(u.arbitrary()?),
            laboratory: facility(u)?,
            unknown_elements: raw_items(u)?,
        });
    }
    let mut antibody_tests = Vec::new();
    for _ in 0..u.int_in_range(0..=3)? {
        antibody_tests.push(AntibodyTest {
            class: AntibodyClass::from_code(u.arbitrary()?),
            sampled_at: instant(u)?,
            result: AntibodyResult::from_code(u.arbitrary()?),
            laboratory: facility(u)?,
            quantity: if u.arbitrary()? {
                Some(Quantity {
                    mantissa: u.arbitrary()?,
                    exponent: mostly(u, -18..=18)?,
                    unit: free_text(u)?,
                })
            } else {
                None
            },
            unknown_elements: raw_items(u)?,
        });
    }
    let mut vaccinations = Vec::new();
    for _ in 0..u.int_in_range(0..=3)? {
        vaccinations.push(Vaccination {
            disease: Disease::from_code(u.arbitrary()?),
            product: VaccineProduct::from_code(u.arbitrary()?),
            manufacturer: Manufacturer::from_code(u.arbitrary()?),
            dose: mostly(u, 1..=99)?,
            series_total: mostly(u, 1..=99)?,
            date: date(u)?,
            centre: facility(u)?,
            unknown_elements: raw_items(u)?,
        });
    }
    let mut unknown_keys = Extensions::default();
    for _ in 0..u.int_in_range(0..=2)? {
        // Any key: the issuer must refuse defined ones (checked below).
        unknown_keys.insert(u.int_in_range(6..=i64::MAX)?, RawCbor::new(vec![0x20]));
    }
    Ok(HealthRecord {
        holder,
        journey,
        nat_tests,
        antibody_tests,
        vaccinations,
        antigen_tests: Vec::new(),
        infection_history: Vec::new(),
        recovery_tests: Vec::new(),
        unknown_keys,
    })
}

const TEST1_SEED: [u8; 32] = [
    0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
    0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
];

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(record) = record(&mut u) else { return };
    let Ok(issued_at) = instant(&mut u) else {
        return;
    };
    let Ok(valid_for) = u.int_in_range(1i64..=400 * 86_400) else {
        return;
    };
    let Ok(id) = u.bytes(8) else { return };
    let signer = Ed25519Signer::from_seed(&TEST1_SEED);
    let key = signer.public_key();
    let cn = CountryCode::new("CN").unwrap();
    let issuer = Issuer::new(signer, cn);
    let params = IssueParams::new(issued_at, valid_for).with_id(CertificateId::new(id).unwrap());
    let issued = match issuer.issue(&record, &params) {
        Ok(issued) => issued,
        Err(_) => {
            // Refused: the record must break a rule, so validation agrees.
            assert!(
                record.validate().is_err()
                    || issued_at
                        .unix()
                        .checked_add(valid_for)
                        .is_none_or(|e| e > MAX_UNIX_SECONDS)
            );
            return;
        }
    };
    let mut store = TrustStore::new();
    store.add(TrustedKey::new(key, cn));
    let verified = Verifier::new(store)
        .verify(&issued.text, issued_at)
        .unwrap_or_else(|e| panic!("issued certificate refused: {e}"));
    assert_eq!(*verified.certificate(), issued.certificate);
    assert_eq!(verified.certificate().record, record);
    // Deterministic encoding: issuing again gives the same text.
    assert_eq!(issuer.issue(&record, &params).unwrap().text, issued.text);
});
