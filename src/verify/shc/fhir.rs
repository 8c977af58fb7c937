//! Mapping the FHIR bundle into the model (FORMAT.md §15.5): Patient →
//! holder; Immunization (CVX, SNOMED CT or ICD-11) → vaccinations;
//! SARS-CoV-2 laboratory Observations (LOINC) → NAT, antigen and antibody
//! tests. Other resources and codes are listed as unmapped, never dropped
//! silently (the payload is kept whole beside the certificate).

use serde_json::Value;

use crate::model::{
    AntibodyClass, AntibodyResult, AntibodyTest, AntigenTest, BirthDate, CountryCode, Date,
    Disease, Facility, HealthRecord, Holder, Manufacturer, NatMethod, NatResult, NatTest,
    Timestamp, Vaccination, VaccineProduct,
};
use crate::VerifyError;

use super::payload::invalid;

/// The country a SMART Health Card's issuer and facilities get: none is in
/// the card (`ZZ`, user-assigned, "unknown").
pub const UNKNOWN_COUNTRY: &str = "ZZ";

const CVX: &str = "http://hl7.org/fhir/sid/cvx";
const SNOMED: &str = "http://snomed.info/sct";
const ICD11: &str = "http://id.who.int/icd11/mms";
const LOINC: &str = "http://loinc.org";

/// CVX → product and manufacturer (SARS-CoV-2 vaccines).
const CVX_PRODUCTS: &[(&str, VaccineProduct, Manufacturer)] = &[
    ("207", VaccineProduct::Mrna1273, Manufacturer::Moderna),
    ("221", VaccineProduct::Mrna1273, Manufacturer::Moderna),
    ("228", VaccineProduct::Mrna1273, Manufacturer::Moderna),
    ("229", VaccineProduct::Mrna1273, Manufacturer::Moderna),
    ("230", VaccineProduct::Mrna1273, Manufacturer::Moderna),
    ("311", VaccineProduct::Mrna1273, Manufacturer::Moderna),
    ("312", VaccineProduct::Mrna1273, Manufacturer::Moderna),
    (
        "208",
        VaccineProduct::Bnt162b2,
        Manufacturer::BiontechPfizer,
    ),
    (
        "217",
        VaccineProduct::Bnt162b2,
        Manufacturer::BiontechPfizer,
    ),
    (
        "218",
        VaccineProduct::Bnt162b2,
        Manufacturer::BiontechPfizer,
    ),
    (
        "219",
        VaccineProduct::Bnt162b2,
        Manufacturer::BiontechPfizer,
    ),
    (
        "300",
        VaccineProduct::Bnt162b2,
        Manufacturer::BiontechPfizer,
    ),
    (
        "301",
        VaccineProduct::Bnt162b2,
        Manufacturer::BiontechPfizer,
    ),
    (
        "308",
        VaccineProduct::Bnt162b2,
        Manufacturer::BiontechPfizer,
    ),
    (
        "310",
        VaccineProduct::Bnt162b2,
        Manufacturer::BiontechPfizer,
    ),
    ("210", VaccineProduct::Azd1222, Manufacturer::AstraZeneca),
    ("212", VaccineProduct::Ad26Cov2S, Manufacturer::Janssen),
    ("211", VaccineProduct::Nuvaxovid, Manufacturer::Novavax),
    ("313", VaccineProduct::Nuvaxovid, Manufacturer::Novavax),
    (
        "510",
        VaccineProduct::BbibpCorV,
        Manufacturer::SinopharmBibp,
    ),
    ("511", VaccineProduct::CoronaVac, Manufacturer::Sinovac),
    ("502", VaccineProduct::Covaxin, Manufacturer::BharatBiotech),
    ("506", VaccineProduct::Convidecia, Manufacturer::CanSino),
];
/// CVX codes for a SARS-CoV-2 vaccine whose product is not named.
const CVX_COVID_UNSPECIFIED: &[&str] = &[
    "213", "500", "501", "503", "504", "505", "507", "508", "509", "512", "513", "514", "515",
    "516", "517", "518", "519", "520", "521",
];
/// SNOMED CT and ICD-11 codes of SARS-CoV-2 vaccines (product not named).
const SNOMED_COVID: &[&str] = &[
    "28531000087107",
    "1119349007",
    "1119305005",
    "29061000087103",
    "28581000087106",
    "28951000087107",
    "29141000087104",
];
const ICD11_COVID: &[&str] = &[
    "XM68M6", "XM1NL1", "XM5DF6", "XM6AT1", "XM0CX4", "XM5JC5", "XM1J92", "XM0GQ8", "XM9QW8",
];

/// LOINC codes of SARS-CoV-2 tests.
const LOINC_NAT: &[&str] = &[
    "94306-8", "94309-2", "94500-6", "94502-2", "94531-1", "94533-7", "94534-5", "94559-2",
    "94565-9", "94640-0", "94756-4", "94757-2", "94759-8", "94760-6", "94845-5", "95406-5",
    "95409-9", "95425-5", "96094-8", "96123-5", "96986-5",
];
const LOINC_ANTIGEN: &[&str] = &["94558-4", "95209-3", "96119-3", "97097-0"];
const LOINC_ANTIBODY: &[(&str, AntibodyClass)] = &[
    ("94563-4", AntibodyClass::IgG),
    ("94507-1", AntibodyClass::IgG),
    ("94505-5", AntibodyClass::IgG),
    ("94564-2", AntibodyClass::IgM),
    ("94508-9", AntibodyClass::IgM),
    ("94506-3", AntibodyClass::IgM),
    ("94762-2", AntibodyClass::Total),
    ("94661-6", AntibodyClass::Total),
    ("94547-7", AntibodyClass::Total),
    ("95125-1", AntibodyClass::Total),
    ("94769-7", AntibodyClass::Total),
];

/// The bundle mapped.
#[derive(Debug)]
pub(crate) struct Mapped {
    pub(crate) record: HealthRecord,
    /// Resources and codes the model has no place for.
    pub(crate) unmapped: Vec<String>,
    /// Departures from the specification that do not refuse the card.
    pub(crate) warnings: Vec<String>,
}

pub(crate) fn unknown_country() -> CountryCode {
    CountryCode::UNKNOWN
}

fn text<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

fn codings(concept: Option<&Value>) -> impl Iterator<Item = (&str, &str)> {
    concept
        .and_then(|c| c.get("coding"))
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .filter_map(|c| Some((text(c, "system")?, text(c, "code")?)))
}

fn facility(resource: &Value) -> Facility {
    let name = resource
        .get("performer")
        .and_then(Value::as_array)
        .and_then(|p| p.first())
        .and_then(|p| text(p.get("actor").unwrap_or(p), "display"))
        .unwrap_or_default();
    Facility {
        name: name.to_owned(),
        country: unknown_country(),
    }
}

fn timestamp(t: &str, path: &str) -> Result<Timestamp, VerifyError> {
    let parsed = if t.len() == 10 {
        Timestamp::parse_rfc3339(&format!("{t}T00:00:00Z")).ok()
    } else {
        Timestamp::parse_rfc3339(t).ok()
    };
    parsed.ok_or_else(|| invalid(path, format!("`{t}` is not a date-time")))
}

fn holder(patient: &Value) -> Holder {
    let name = patient
        .get("name")
        .and_then(Value::as_array)
        .and_then(|n| n.first());
    let family = name.and_then(|n| text(n, "family")).unwrap_or_default();
    let given: Vec<&str> = name
        .and_then(|n| n.get("given"))
        .and_then(Value::as_array)
        .map(|g| g.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let dob = text(patient, "birthDate").unwrap_or_default();
    // A SMART Health Card carries no sex, nationality or travel document.
    Holder::named(
        None,
        family.to_owned(),
        given.join(" "),
        BirthDate::parse(dob).unwrap_or(BirthDate::Unknown),
    )
}

/// One immunization: (disease, product, manufacturer, explicit dose, series).
fn vaccine(resource: &Value) -> Option<(Disease, VaccineProduct, Manufacturer)> {
    let concept = resource.get("vaccineCode");
    for (system, code) in codings(concept) {
        match system {
            CVX => {
                if let Some((_, p, m)) = CVX_PRODUCTS.iter().find(|(c, _, _)| *c == code) {
                    return Some((Disease::SarsCov2, *p, *m));
                }
                if CVX_COVID_UNSPECIFIED.contains(&code) {
                    return Some((
                        Disease::SarsCov2,
                        VaccineProduct::Unknown(code.parse().unwrap_or(0)),
                        Manufacturer::Unknown(0),
                    ));
                }
            }
            SNOMED if SNOMED_COVID.contains(&code) => {
                return Some((
                    Disease::SarsCov2,
                    VaccineProduct::Unknown(0),
                    Manufacturer::Unknown(0),
                ))
            }
            ICD11 if ICD11_COVID.contains(&code) => {
                return Some((
                    Disease::SarsCov2,
                    VaccineProduct::Unknown(0),
                    Manufacturer::Unknown(0),
                ))
            }
            _ => {}
        }
    }
    None
}

fn positive_int(v: Option<&Value>) -> Option<u8> {
    v.and_then(Value::as_u64)
        .and_then(|n| u8::try_from(n).ok())
        .filter(|n| (1..=99).contains(n))
}

fn describe(concept: Option<&Value>) -> String {
    let codes: Vec<String> = codings(concept).map(|(s, c)| format!("{s}|{c}")).collect();
    if codes.is_empty() {
        "(no code)".into()
    } else {
        codes.join(", ")
    }
}

/// Maps the bundle (its entry count is already capped).
pub(crate) fn map(bundle: &Value) -> Result<Mapped, VerifyError> {
    let entries = bundle
        .get("entry")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut holder_found = None;
    let mut unmapped = Vec::new();
    let mut warnings = Vec::new();
    let mut record = HealthRecord::for_holder(holder(&Value::Null));
    // Explicit dose numbers and series sizes, beside each vaccination.
    let mut doses: Vec<(Option<u8>, Option<u8>)> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let path = format!("vc.credentialSubject.fhirBundle.entry[{i}].resource");
        let resource = entry
            .get("resource")
            .filter(|r| r.is_object())
            .ok_or_else(|| invalid(&path, "missing or not an object"))?;
        if let Some(meta) = resource.get("meta") {
            let only_security = meta
                .as_object()
                .is_some_and(|m| m.keys().all(|k| k == "security"));
            if !only_security {
                warnings.push(format!("{path}.meta: members other than security"));
            }
        }
        let kind = text(resource, "resourceType").unwrap_or_default();
        match kind {
            "Patient" if holder_found.is_none() => holder_found = Some(holder(resource)),
            "Immunization" => {
                let status = text(resource, "status").unwrap_or_default();
                if status != "completed" {
                    unmapped.push(format!("{path}: Immunization with status `{status}`"));
                    continue;
                }
                let Some((disease, product, manufacturer)) = vaccine(resource) else {
                    unmapped.push(format!(
                        "{path}: Immunization with an unknown vaccine code {}",
                        describe(resource.get("vaccineCode"))
                    ));
                    continue;
                };
                let date_text = text(resource, "occurrenceDateTime")
                    .ok_or_else(|| invalid(format!("{path}.occurrenceDateTime"), "missing"))?;
                let date = date_text
                    .get(..10)
                    .and_then(|d| Date::parse(d).ok())
                    .ok_or_else(|| {
                        invalid(
                            format!("{path}.occurrenceDateTime"),
                            format!("`{date_text}` is not a date"),
                        )
                    })?;
                let protocol = resource
                    .get("protocolApplied")
                    .and_then(Value::as_array)
                    .and_then(|p| p.first());
                doses.push((
                    positive_int(protocol.and_then(|p| p.get("doseNumberPositiveInt"))),
                    positive_int(protocol.and_then(|p| p.get("seriesDosesPositiveInt"))),
                ));
                record.vaccinations.push(Vaccination {
                    disease,
                    product,
                    manufacturer,
                    dose: 1,
                    series_total: 1,
                    date,
                    centre: facility(resource),
                    unknown_elements: Vec::new(),
                });
            }
            "Observation" => {
                if let Err(reason) = observation(resource, &path, &mut record)? {
                    unmapped.push(reason);
                }
            }
            other => unmapped.push(format!("{path}: {other} (not mapped)")),
        }
    }
    number_doses(&mut record.vaccinations, &doses, &mut warnings);
    record.holder = holder_found.ok_or_else(|| {
        invalid(
            "vc.credentialSubject.fhirBundle.entry",
            "no Patient resource",
        )
    })?;
    Ok(Mapped {
        record,
        unmapped,
        warnings,
    })
}

/// Dose numbers: as written in `protocolApplied`, else counted in date
/// order per disease; the series size as written, else the number of doses
/// of that disease on the card (said in a warning).
fn number_doses(
    vaccinations: &mut [Vaccination],
    doses: &[(Option<u8>, Option<u8>)],
    warnings: &mut Vec<String>,
) {
    let mut order: Vec<usize> = (0..vaccinations.len()).collect();
    order.sort_by_key(|i| vaccinations.get(*i).map(|v| v.date));
    let mut counted = false;
    let snapshot: Vec<(Disease, Date)> = vaccinations.iter().map(|v| (v.disease, v.date)).collect();
    for (i, v) in vaccinations.iter_mut().enumerate() {
        let (dose, series) = doses.get(i).copied().unwrap_or((None, None));
        let same: Vec<usize> = order
            .iter()
            .copied()
            .filter(|j| snapshot.get(*j).map(|s| s.0) == Some(v.disease))
            .collect();
        let position = same.iter().position(|j| *j == i).map_or(1, |p| p + 1);
        v.dose = dose.unwrap_or_else(|| u8::try_from(position.min(99)).unwrap_or(99));
        v.series_total = match series {
            Some(s) => s,
            None => {
                counted = true;
                u8::try_from(same.len().clamp(1, 99))
                    .unwrap_or(99)
                    .max(v.dose)
            }
        };
    }
    if counted {
        warnings.push(
            "the card does not give series sizes: series_total is the number of doses of the disease on the card".into(),
        );
    }
}

/// A laboratory observation: `Ok(Ok(()))` mapped, `Ok(Err(note))` kept as
/// unmapped, `Err` malformed.
fn observation(
    resource: &Value,
    path: &str,
    record: &mut HealthRecord,
) -> Result<Result<(), String>, VerifyError> {
    let code = resource.get("code");
    let Some(loinc) = codings(code).find(|(s, _)| *s == LOINC).map(|(_, c)| c) else {
        return Ok(Err(format!(
            "{path}: Observation {} (not mapped)",
            describe(code)
        )));
    };
    let is_nat = LOINC_NAT.contains(&loinc);
    let is_antigen = LOINC_ANTIGEN.contains(&loinc);
    let antibody = LOINC_ANTIBODY
        .iter()
        .find(|(c, _)| *c == loinc)
        .map(|(_, k)| *k);
    if !is_nat && !is_antigen && antibody.is_none() {
        return Ok(Err(format!(
            "{path}: Observation LOINC {loinc} (not a SARS-CoV-2 test)"
        )));
    }
    let when = text(resource, "effectiveDateTime")
        .ok_or_else(|| invalid(format!("{path}.effectiveDateTime"), "missing"))?;
    let sampled_at = timestamp(when, &format!("{path}.effectiveDateTime"))?;
    let result_code = codings(resource.get("valueCodeableConcept"))
        .find(|(s, _)| *s == SNOMED)
        .map(|(_, c)| c);
    let nat_result = match result_code {
        Some("260385009" | "260415000") => NatResult::Negative,
        Some("10828004" | "260373001") => NatResult::Positive,
        Some("419984006") => NatResult::Inconclusive,
        Some(other) => NatResult::Unknown(other.parse::<u32>().unwrap_or(0)),
        None => NatResult::Unknown(0),
    };
    let lab = facility(resource);
    if let Some(class) = antibody {
        record.antibody_tests.push(AntibodyTest {
            class,
            sampled_at,
            result: match nat_result {
                NatResult::Negative => AntibodyResult::Negative,
                NatResult::Positive => AntibodyResult::Positive,
                _ => AntibodyResult::Unknown(0),
            },
            laboratory: lab,
            quantity: None,
            unknown_elements: Vec::new(),
        });
    } else if is_antigen {
        record.antigen_tests.push(AntigenTest {
            disease: Disease::SarsCov2,
            device: None,
            name: None,
            sampled_at,
            result: nat_result,
            facility: lab,
        });
    } else {
        record.nat_tests.push(NatTest {
            disease: Disease::SarsCov2,
            method: NatMethod::OtherNaat,
            sampled_at,
            result: nat_result,
            laboratory: lab,
            unknown_elements: Vec::new(),
        });
    }
    Ok(Ok(()))
}
