//! Mapping an EU DCC (or WHO DDCC core data set) into the model
//! (FORMAT.md §14.6). Codes go through the EU value sets in `valuesets/`; a
//! code the model has no value for is kept as `Unknown` (the original
//! payload is kept beside the certificate for audit).

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::model::{
    AntigenTest, BirthDate, CertificateId, CountryCode, Date, Disease, Facility, HealthRecord,
    HistoryEntry, HistoryKind, Holder, Manufacturer, NatMethod, NatResult, NatTest, Timestamp,
    Vaccination, VaccineProduct,
};
use crate::trust::DscUsage;
use crate::VerifyError;

/// The EU value sets this mapping reads (Apache-2.0, `valuesets/LICENSE`).
const VALUE_SETS: &[(&str, &str)] = &[
    ("tg", include_str!("valuesets/disease-agent-targeted.json")),
    ("tt", include_str!("valuesets/test-type.json")),
    ("tr", include_str!("valuesets/test-result.json")),
    (
        "mp",
        include_str!("valuesets/vaccine-medicinal-product.json"),
    ),
    ("ma", include_str!("valuesets/vaccine-mah-manf.json")),
];

/// Whether `code` is in the EU value set of field `field` (the sets are
/// parsed once, on first use).
pub(crate) fn in_value_set(field: &str, code: &str) -> bool {
    static SETS: std::sync::OnceLock<Vec<(&'static str, Vec<String>)>> = std::sync::OnceLock::new();
    let sets = SETS.get_or_init(|| {
        VALUE_SETS
            .iter()
            .map(|(f, json)| {
                let codes = serde_json::from_str::<Value>(json)
                    .ok()
                    .and_then(|v| {
                        v.get("valueSetValues")
                            .and_then(Value::as_object)
                            .map(|o| o.keys().cloned().collect())
                    })
                    .unwrap_or_default();
                (*f, codes)
            })
            .collect()
    });
    sets.iter()
        .any(|(f, codes)| *f == field && codes.iter().any(|c| c == code))
}

/// EU `mp` → model vaccine product.
const PRODUCTS: &[(&str, VaccineProduct)] = &[
    ("EU/1/20/1528", VaccineProduct::Bnt162b2),
    ("EU/1/20/1507", VaccineProduct::Mrna1273),
    ("EU/1/21/1529", VaccineProduct::Azd1222),
    ("Covishield", VaccineProduct::Covishield),
    ("EU/1/20/1525", VaccineProduct::Ad26Cov2S),
    ("BBIBP-CorV", VaccineProduct::BbibpCorV),
    ("CoronaVac", VaccineProduct::CoronaVac),
    ("Covaxin", VaccineProduct::Covaxin),
    ("Covovax", VaccineProduct::Covovax),
    ("EU/1/21/1618", VaccineProduct::Nuvaxovid),
    ("NVX-CoV2373", VaccineProduct::Nuvaxovid),
    ("Convidecia", VaccineProduct::Convidecia),
];

/// EU `ma` → model manufacturer.
const MANUFACTURERS: &[(&str, Manufacturer)] = &[
    ("ORG-100030215", Manufacturer::BiontechPfizer),
    ("ORG-100031184", Manufacturer::Moderna),
    ("ORG-100001699", Manufacturer::AstraZeneca),
    ("ORG-100001981", Manufacturer::SerumInstituteOfIndia),
    ("ORG-100001417", Manufacturer::Janssen),
    ("ORG-100020693", Manufacturer::SinopharmBibp),
    ("Sinovac-Biotech", Manufacturer::Sinovac),
    ("Bharat-Biotech", Manufacturer::BharatBiotech),
    ("ORG-100032020", Manufacturer::Novavax),
    ("ORG-100013793", Manufacturer::CanSino),
];

/// The SNOMED CT code of COVID-19 in `tg`.
const COVID_19: &str = "840539006";
/// Test types (`tt`): NAAT and rapid antigen test.
const NAAT: &str = "LP6464-4";
const RAT: &str = "LP217198-3";

#[derive(Debug)]
pub(crate) struct Mapped {
    pub(crate) issuer: CountryCode,
    pub(crate) certificate_id: CertificateId,
    pub(crate) record: HealthRecord,
    pub(crate) kinds: Vec<DscUsage>,
}

fn invalid(path: impl Into<String>, reason: impl Into<String>) -> VerifyError {
    VerifyError::HcertPayloadInvalid {
        path: path.into(),
        reason: reason.into(),
    }
}

fn text<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

fn disease(code: Option<&str>) -> Disease {
    match code {
        Some(COVID_19) => Disease::SarsCov2,
        // A numeric (SNOMED CT) code is kept as it is; anything else as 0.
        Some(other) => Disease::Unknown(other.parse().unwrap_or(0)),
        None => Disease::Unknown(0),
    }
}

fn result(code: Option<&str>) -> NatResult {
    match code {
        Some("260415000") => NatResult::Negative,
        Some("260373001") => NatResult::Positive,
        Some(other) => NatResult::Unknown(other.parse().unwrap_or(0)),
        None => NatResult::Unknown(0),
    }
}

/// A date `YYYY-MM-DD`, also when a time follows it (some issuers wrote one).
fn date(v: &Value, key: &str, path: &str) -> Result<Date, VerifyError> {
    let t = text(v, key).ok_or_else(|| invalid(format!("{path}.{key}"), "missing"))?;
    t.get(..10)
        .and_then(|d| Date::parse(d).ok())
        .ok_or_else(|| invalid(format!("{path}.{key}"), format!("`{t}` is not a date")))
}

fn optional_date(v: &Value, key: &str, path: &str) -> Result<Option<Date>, VerifyError> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => date(v, key, path).map(Some),
    }
}

fn timestamp(v: &Value, key: &str, path: &str) -> Result<Timestamp, VerifyError> {
    let t = text(v, key).ok_or_else(|| invalid(format!("{path}.{key}"), "missing"))?;
    super::time::parse_datetime(t)
        .ok_or_else(|| invalid(format!("{path}.{key}"), format!("`{t}` is not a date-time")))
}

fn country_of(v: &Value, fallback: Option<CountryCode>) -> Option<CountryCode> {
    text(v, "co")
        .and_then(|c| CountryCode::new(c).ok())
        .or(fallback)
}

fn facility(
    name: Option<&str>,
    country: Option<CountryCode>,
    path: &str,
) -> Result<Facility, VerifyError> {
    Ok(Facility {
        name: name.unwrap_or_default().to_owned(),
        country: country.ok_or_else(|| invalid(format!("{path}.co"), "no country"))?,
    })
}

fn small(v: &Value, key: &str, path: &str) -> Result<u8, VerifyError> {
    let n = v
        .get(key)
        .and_then(|n| {
            n.as_u64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                    .map(|f| f as u64)
            })
        })
        .ok_or_else(|| invalid(format!("{path}.{key}"), "missing or not a whole number"))?;
    u8::try_from(n).map_err(|_| invalid(format!("{path}.{key}"), "larger than 255"))
}

fn entries<'v>(dcc: &'v Value, key: &str) -> &'v [Value] {
    dcc.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn birth_date(text: Option<&str>) -> BirthDate {
    // `1964-08-00` and `1964-00-00` are deployed spellings of partial dates.
    let t = text.unwrap_or_default();
    let t = t.get(..10).unwrap_or(t);
    BirthDate::parse(t)
        .or_else(|_| BirthDate::parse(t.trim_end_matches("-00")))
        .or_else(|_| BirthDate::parse(t.trim_end_matches("-00").trim_end_matches("-00")))
        .unwrap_or(BirthDate::Unknown)
}

fn holder(native: Option<String>, primary: String, secondary: String, dob: Option<&str>) -> Holder {
    Holder::named(
        native.filter(|n| !n.is_empty()),
        primary,
        secondary,
        birth_date(dob),
    )
}

fn certificate_id(uvci: &str) -> Result<CertificateId, VerifyError> {
    let digest = Sha256::digest(uvci.as_bytes());
    CertificateId::new(digest.get(..16).unwrap_or_default())
        .map_err(|e| invalid("ci", e.to_string()))
}

/// Maps an EU DCC (the JSON of claim -260/1).
pub(crate) fn map_eu(dcc: &Value, issuer: Option<CountryCode>) -> Result<Mapped, VerifyError> {
    if !dcc.is_object() {
        return Err(invalid("", "the EU DCC is not a map"));
    }
    let nam = dcc.get("nam").cloned().unwrap_or(Value::Null);
    let native = match (text(&nam, "fn"), text(&nam, "gn")) {
        (Some(f), Some(g)) if !g.is_empty() => Some(format!("{f}, {g}")),
        (Some(f), _) => Some(f.to_owned()),
        (None, Some(g)) => Some(g.to_owned()),
        (None, None) => None,
    };
    let holder = holder(
        native,
        text(&nam, "fnt").unwrap_or_default().to_owned(),
        text(&nam, "gnt").unwrap_or_default().to_owned(),
        text(dcc, "dob"),
    );
    let mut record = HealthRecord::for_holder(holder);
    let mut kinds = Vec::new();
    let mut first_ci = None;
    let mut first_country = None;
    for (i, v) in entries(dcc, "v").iter().enumerate() {
        let path = format!("v[{i}]");
        let country = country_of(v, issuer);
        first_ci = first_ci.or(text(v, "ci"));
        first_country = first_country.or(country);
        let mp = text(v, "mp").unwrap_or_default();
        let ma = text(v, "ma").unwrap_or_default();
        record.vaccinations.push(Vaccination {
            disease: disease(text(v, "tg")),
            product: PRODUCTS
                .iter()
                .find(|(code, _)| *code == mp)
                .map_or(VaccineProduct::Unknown(0), |(_, p)| *p),
            manufacturer: MANUFACTURERS
                .iter()
                .find(|(code, _)| *code == ma)
                .map_or(Manufacturer::Unknown(0), |(_, m)| *m),
            dose: small(v, "dn", &path)?,
            series_total: small(v, "sd", &path)?,
            date: date(v, "dt", &path)?,
            centre: facility(text(v, "is"), country, &path)?,
            unknown_elements: Vec::new(),
        });
        push_kind(&mut kinds, DscUsage::Vaccination);
    }
    for (i, t) in entries(dcc, "t").iter().enumerate() {
        let path = format!("t[{i}]");
        let country = country_of(t, issuer);
        first_ci = first_ci.or(text(t, "ci"));
        first_country = first_country.or(country);
        let centre = facility(text(t, "tc").or(text(t, "is")), country, &path)?;
        let sampled_at = timestamp(t, "sc", &path)?;
        // Early issuers wrote free text in `tt`: then a device (`ma`, the
        // rapid-test device list) makes it a rapid antigen test and a test
        // name (`nm`, the NAAT name) a NAAT; neither is refused.
        let tt = match text(t, "tt") {
            Some(code @ (RAT | NAAT)) => Some(code),
            Some(_) if t.get("ma").is_some() => Some(RAT),
            Some(_) if t.get("nm").is_some() => Some(NAAT),
            other => other,
        };
        match tt {
            Some(RAT) => record.antigen_tests.push(AntigenTest {
                disease: disease(text(t, "tg")),
                device: text(t, "ma").map(str::to_owned),
                name: text(t, "nm").map(str::to_owned),
                sampled_at,
                result: result(text(t, "tr")),
                facility: centre,
            }),
            Some(NAAT) => {
                let name = text(t, "nm").unwrap_or_default().to_ascii_uppercase();
                let method = if name.contains("LAMP") {
                    NatMethod::RtLamp
                } else if name.contains("PCR") {
                    NatMethod::RtPcr
                } else {
                    NatMethod::OtherNaat
                };
                record.nat_tests.push(NatTest {
                    disease: disease(text(t, "tg")),
                    method,
                    sampled_at,
                    result: result(text(t, "tr")),
                    laboratory: centre,
                    unknown_elements: Vec::new(),
                });
            }
            other => {
                return Err(invalid(
                    format!("{path}.tt"),
                    format!(
                        "test type {} is neither NAAT nor rapid antigen",
                        other.unwrap_or("(missing)")
                    ),
                ))
            }
        }
        push_kind(&mut kinds, DscUsage::Test);
    }
    for (i, r) in entries(dcc, "r").iter().enumerate() {
        let path = format!("r[{i}]");
        first_ci = first_ci.or(text(r, "ci"));
        first_country = first_country.or(country_of(r, issuer));
        record.infection_history.push(HistoryEntry {
            kind: HistoryKind::PositiveNat,
            disease: disease(text(r, "tg")),
            date: date(r, "fr", &path)?,
            recovered_on: None,
            valid_from: optional_date(r, "df", &path)?,
            valid_until: optional_date(r, "du", &path)?,
            unknown_elements: Vec::new(),
        });
        push_kind(&mut kinds, DscUsage::Recovery);
    }
    if kinds.is_empty() {
        return Err(invalid(
            "",
            "no vaccination (v), test (t) or recovery (r) entry",
        ));
    }
    Ok(Mapped {
        issuer: issuer
            .or(first_country)
            .ok_or_else(|| invalid("iss", "no issuing country"))?,
        certificate_id: certificate_id(first_ci.unwrap_or_default())?,
        record,
        kinds,
    })
}

fn push_kind(kinds: &mut Vec<DscUsage>, kind: DscUsage) {
    if !kinds.contains(&kind) {
        kinds.push(kind);
    }
}

/// A WHO DDCC code: a plain string, or `{code, system}`.
fn who_code(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("code").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// Maps a WHO DDCC core data set (text keys, the whole CWT payload).
pub(crate) fn map_who(ddcc: &Value, issuer: Option<CountryCode>) -> Result<Mapped, VerifyError> {
    let name = text(ddcc, "name").unwrap_or_default();
    let latin = if name
        .bytes()
        .all(|b| b.is_ascii_alphabetic() || b == b' ' || b == b'-')
    {
        name.to_ascii_uppercase()
    } else {
        String::new()
    };
    let holder = holder(
        Some(name.to_owned()),
        latin,
        String::new(),
        text(ddcc, "birthDate"),
    );
    let mut record = HealthRecord::for_holder(holder);
    let mut kinds = Vec::new();
    let who_country = |v: &Value| {
        who_code(v.get("country"))
            .and_then(|c| CountryCode::new(&c).ok())
            .or(issuer)
    };
    // Vaccination: a `vaccination` object, or its fields at the top level.
    let vaccination = ddcc.get("vaccination").unwrap_or(ddcc);
    if vaccination.get("vaccine").is_some() || vaccination.get("dose").is_some() {
        let code = who_code(vaccination.get("vaccine")).unwrap_or_default();
        let brand = who_code(vaccination.get("brand")).unwrap_or_default();
        let product = PRODUCTS
            .iter()
            .find(|(c, _)| *c == code || *c == brand)
            .map_or(VaccineProduct::Unknown(0), |(_, p)| *p);
        record.vaccinations.push(Vaccination {
            disease: match who_code(vaccination.get("disease")).as_deref() {
                Some(COVID_19) | Some("RA01") | None => Disease::SarsCov2,
                Some(other) => Disease::Unknown(other.parse().unwrap_or(0)),
            },
            product,
            manufacturer: Manufacturer::Unknown(0),
            dose: small(vaccination, "dose", "vaccination")?,
            series_total: small(vaccination, "totalDoses", "vaccination").unwrap_or(0),
            date: date(vaccination, "date", "vaccination")?,
            centre: facility(
                text(vaccination, "centre"),
                who_country(vaccination),
                "vaccination",
            )?,
            unknown_elements: Vec::new(),
        });
        kinds.push(DscUsage::Vaccination);
    }
    if let Some(test) = ddcc.get("test") {
        let sampled_at = timestamp(test, "date", "test")?;
        let kind = who_code(test.get("type")).unwrap_or_default();
        let result_code = who_code(test.get("result"));
        let centre = facility(text(test, "centre"), who_country(test), "test")?;
        if kind == RAT || kind.to_ascii_lowercase().contains("antigen") {
            record.antigen_tests.push(AntigenTest {
                disease: Disease::SarsCov2,
                device: None,
                name: None,
                sampled_at,
                result: result(result_code.as_deref()),
                facility: centre,
            });
        } else {
            record.nat_tests.push(NatTest {
                disease: Disease::SarsCov2,
                method: NatMethod::OtherNaat,
                sampled_at,
                result: result(result_code.as_deref()),
                laboratory: centre,
                unknown_elements: Vec::new(),
            });
        }
        kinds.push(DscUsage::Test);
    }
    if kinds.is_empty() {
        return Err(invalid(
            "",
            "no vaccination or test in the WHO DDCC core data set",
        ));
    }
    let id = who_code(ddcc.get("certificate").and_then(|c| c.get("hcid")))
        .or_else(|| text(ddcc, "identifier").map(str::to_owned))
        .unwrap_or_default();
    Ok(Mapped {
        issuer: issuer
            .or_else(|| who_country(vaccination))
            .ok_or_else(|| invalid("country", "no issuing country"))?,
        certificate_id: certificate_id(&id)?,
        record,
        kinds,
    })
}

/// Where an EU DCC departs from its JSON schema (the main rules: one entry,
/// required fields, name and date forms). Reported, never a reason to refuse.
pub(crate) fn schema_issues(dcc: &Value) -> Vec<String> {
    let mut issues = Vec::new();
    if text(dcc, "ver").is_none() {
        issues.push("ver: missing".to_owned());
    }
    let nam = dcc.get("nam");
    match nam.and_then(|n| text(n, "fnt")) {
        None => issues.push("nam.fnt: missing".to_owned()),
        Some(fnt) => {
            if fnt.is_empty()
                || fnt.len() > 80
                || !fnt.bytes().all(|b| b.is_ascii_uppercase() || b == b'<')
            {
                issues.push(format!("nam.fnt: `{fnt}` is not upper-case A-Z and <"));
            }
        }
    }
    if let Some(gnt) = nam.and_then(|n| text(n, "gnt")) {
        if gnt.len() > 80 || !gnt.bytes().all(|b| b.is_ascii_uppercase() || b == b'<') {
            issues.push(format!("nam.gnt: `{gnt}` is not upper-case A-Z and <"));
        }
    }
    if text(dcc, "dob").is_none() {
        issues.push("dob: missing".to_owned());
    }
    let groups: Vec<(&str, &[Value])> = ["v", "t", "r"]
        .iter()
        .map(|k| (*k, entries(dcc, k)))
        .filter(|(_, e)| !e.is_empty())
        .collect();
    match groups.as_slice() {
        [(_, [_])] => {}
        [] => issues.push("one of v, t, r is required".to_owned()),
        _ => issues.push("exactly one of v, t, r with exactly one entry is allowed".to_owned()),
    }
    let required: &[(&str, &[&str])] = &[
        (
            "v",
            &["tg", "vp", "mp", "ma", "dn", "sd", "dt", "co", "is", "ci"],
        ),
        ("t", &["tg", "tt", "sc", "tr", "co", "is", "ci"]),
        ("r", &["tg", "fr", "co", "is", "df", "du", "ci"]),
    ];
    for (group, fields) in required {
        for (i, e) in entries(dcc, group).iter().enumerate() {
            for f in *fields {
                if e.get(*f).is_none() {
                    issues.push(format!("{group}[{i}].{f}: missing"));
                }
            }
            for f in ["tg", "tt", "tr", "mp", "ma"] {
                if let Some(code) = text(e, f) {
                    // Test-device and unlisted product codes stay valid when absent from a set.
                    if f != "ma" && f != "mp" && !in_value_set(f, code) {
                        issues.push(format!(
                            "{group}[{i}].{f}: `{code}` is not in the EU value set"
                        ));
                    }
                }
            }
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn at() -> Option<CountryCode> {
        CountryCode::new("AT").ok()
    }

    #[test]
    fn a_vaccination_maps_with_doses_product_and_names() {
        let dcc = json!({"ver": "1.3.0", "nam": {"fn": "Musterfrau", "fnt": "MUSTERFRAU", "gn": "Gabriele", "gnt": "GABRIELE"},
            "dob": "1964-08", "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
            "dn": 2, "sd": 2, "dt": "2021-02-18", "co": "AT", "is": "Ministry of Health", "ci": "URN:UVCI:01:AT:1#B"}]});
        let m = map_eu(&dcc, at()).unwrap();
        let v = &m.record.vaccinations[0];
        assert_eq!((v.dose, v.series_total), (2, 2));
        assert_eq!(v.product, VaccineProduct::Bnt162b2);
        assert_eq!(v.manufacturer, Manufacturer::BiontechPfizer);
        assert_eq!(v.disease, Disease::SarsCov2);
        assert_eq!(m.record.holder.primary_name, "MUSTERFRAU");
        assert_eq!(
            m.record.holder.native_name.as_deref(),
            Some("Musterfrau, Gabriele")
        );
        assert_eq!(
            m.record.holder.date_of_birth,
            BirthDate::YearMonth {
                year: 1964,
                month: 8
            }
        );
        assert_eq!(m.kinds, vec![DscUsage::Vaccination]);
        assert!(schema_issues(&dcc).is_empty());
    }

    #[test]
    fn unknown_codes_are_kept_as_unknown() {
        let dcc = json!({"nam": {"fnt": "X"}, "dob": "", "v": [{"tg": "12345", "mp": "Sputnik-V", "ma": "Gamaleya-Research-Institute",
            "dn": 1, "sd": 2, "dt": "2021-02-18", "co": "AT", "is": "x", "ci": "u"}]});
        let m = map_eu(&dcc, at()).unwrap();
        let v = &m.record.vaccinations[0];
        assert_eq!(v.product, VaccineProduct::Unknown(0));
        assert_eq!(v.manufacturer, Manufacturer::Unknown(0));
        assert_eq!(v.disease, Disease::Unknown(12345));
        assert_eq!(m.record.holder.date_of_birth, BirthDate::Unknown);
        assert!(schema_issues(&dcc).iter().any(|i| i.contains("ver")));
    }

    #[test]
    fn tests_map_to_nat_or_antigen_never_silently_nat() {
        let t = |tt: &str, nm: &str| {
            json!({"nam": {"fnt": "X"}, "dob": "1964", "t": [{"tg": "840539006", "tt": tt, "nm": nm,
            "sc": "2021-06-01T10:00:00+02:00", "tr": "260415000", "tc": "Lab", "co": "DE", "is": "x", "ci": "u"}]})
        };
        let m = map_eu(&t("LP6464-4", "Roche LightCycler qPCR"), None).unwrap();
        assert_eq!(m.record.nat_tests[0].method, NatMethod::RtPcr);
        assert_eq!(m.record.nat_tests[0].result, NatResult::Negative);
        assert_eq!(
            m.record.nat_tests[0].sampled_at.to_string(),
            "2021-06-01T08:00:00Z"
        );
        assert_eq!(m.issuer.as_str(), "DE");
        let m = map_eu(&t("LP217198-3", ""), None).unwrap();
        assert!(m.record.nat_tests.is_empty());
        assert_eq!(m.record.antigen_tests[0].result, NatResult::Negative);
        assert_eq!(m.kinds, vec![DscUsage::Test]);
        let mut unknown = t("LP0000-0", "");
        unknown["t"][0].as_object_mut().unwrap().remove("nm");
        let err = map_eu(&unknown, None).unwrap_err();
        assert_eq!(err.name(), "HcertPayloadInvalid");
    }

    #[test]
    fn a_recovery_maps_to_history_with_validity() {
        let dcc = json!({"nam": {"fnt": "X"}, "dob": "1964-08-12", "r": [{"tg": "840539006", "fr": "2021-04-01",
            "df": "2021-04-12", "du": "2021-10-01", "co": "AT", "is": "x", "ci": "u"}]});
        let m = map_eu(&dcc, at()).unwrap();
        let h = &m.record.infection_history[0];
        assert_eq!(h.kind, HistoryKind::PositiveNat);
        assert_eq!(h.date.to_string(), "2021-04-01");
        assert_eq!(
            h.valid_until.map(|d| d.to_string()).as_deref(),
            Some("2021-10-01")
        );
        assert_eq!(m.kinds, vec![DscUsage::Recovery]);
        let none = json!({"nam": {"fnt": "X"}, "dob": "1964"});
        assert_eq!(
            map_eu(&none, at()).unwrap_err().name(),
            "HcertPayloadInvalid"
        );
    }

    #[test]
    fn who_core_data_set_maps_a_vaccination() {
        let ddcc = json!({"name": "Eddie Murphy", "birthDate": "1986-09-19", "vaccine": {"code": "XM68M6"},
            "brand": {"code": "COVID-19-vaccine"}, "dose": 1, "totalDoses": 2, "date": "2021-06-01", "country": "PH",
            "centre": "Vaccination Site"});
        let m = map_who(&ddcc, None).unwrap();
        assert_eq!(m.issuer.as_str(), "PH");
        assert_eq!(m.record.vaccinations[0].dose, 1);
        assert_eq!(m.record.holder.primary_name, "EDDIE MURPHY");
    }
}
