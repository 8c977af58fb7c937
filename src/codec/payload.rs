//! Stage: the health record as CBOR (the private-use CWT claim).
//!
//! Compact by design: integer-keyed maps where the structure is open
//! (record, journey), positional arrays with trailing optional elements for the
//! entries, small integer codes, instants as Unix seconds, dates as days since
//! 1970-01-01. FORMAT.md gives the CDDL. Items this version does not know are
//! kept byte for byte.
//!
//! (About 670 lines: the record's encoder and decoder stay side by side, one
//! function pair per structure, so that a change to the wire form is made in
//! one place for both directions.)

use crate::codec::cbor::{encode, Reader, Result, Writer};
use crate::model::{
    AntibodyClass, AntibodyResult, AntibodyTest, BirthDate, CountryCode, Date, Disease,
    DocumentType, Extensions, Facility, HealthRecord, HistoryEntry, HistoryKind, Holder, Journey,
    Manufacturer, NatMethod, NatResult, NatTest, Nationality, Quantity, RawCbor, RecordError, Sex,
    Timestamp, TransitPoint, Vaccination, VaccineProduct, MAX_ENTRIES_PER_KIND, MAX_TRANSIT_POINTS,
};
use crate::VerifyError;

/// The most unknown items one map or positional array may carry (claims,
/// record, journey, holder, each test or vaccination). Without a limit a 64 KiB
/// payload of one-byte unknown items held tens of thousands of separately
/// allocated items (over a megabyte).
pub const MAX_UNKNOWN_ITEMS: usize = crate::model::MAX_UNKNOWN_ITEMS;

/// Record map keys.
mod key {
    pub const HOLDER: i64 = 1;
    pub const JOURNEY: i64 = 2;
    pub const NAT: i64 = 3;
    pub const ANTIBODY: i64 = 4;
    pub const VACCINATION: i64 = 5;
    pub const HISTORY: i64 = 6;
    pub const RECOVERY: i64 = 7;
    // Record key 9 stays unassigned: vector 08 carries it as an unknown key.
    /// Journey map key: flight or voyage number.
    pub const FLIGHT: i64 = 1;
    // Journey key 2 stays unassigned: vector 09 carries it as an unknown key.
    /// Journey map key: departure country.
    pub const DEPARTURE_COUNTRY: i64 = 3;
    /// Journey map key: departure time.
    pub const DEPARTURE_AT: i64 = 4;
    /// Journey map key: transit points.
    pub const TRANSIT: i64 = 5;
    /// Journey map key: city or port of entry.
    pub const ENTRY_PORT: i64 = 6;
}

// ---------------------------------------------------------------- encoding

/// Encodes a record deterministically. The record is assumed valid
/// ([`HealthRecord::validate`]).
pub fn encode_record(record: &HealthRecord) -> Vec<u8> {
    let mut entries = vec![(key::HOLDER, encode(|w| holder(w, &record.holder)))];
    if let Some(j) = &record.journey {
        entries.push((key::JOURNEY, encode(|w| journey(w, j))));
    }
    if !record.nat_tests.is_empty() {
        entries.push((key::NAT, list(&record.nat_tests, nat)));
    }
    if !record.antibody_tests.is_empty() {
        entries.push((key::ANTIBODY, list(&record.antibody_tests, antibody)));
    }
    if !record.vaccinations.is_empty() {
        entries.push((key::VACCINATION, list(&record.vaccinations, vaccination)));
    }
    if !record.infection_history.is_empty() {
        entries.push((key::HISTORY, list(&record.infection_history, history)));
    }
    if !record.recovery_tests.is_empty() {
        entries.push((key::RECOVERY, list(&record.recovery_tests, nat)));
    }
    let mut w = Writer::with_capacity(256);
    w.map_sorted(with_extensions(entries, &record.unknown_keys));
    w.into_bytes()
}

/// Adds the unknown entries that are not shadowed by a known key.
pub(crate) fn with_extensions(
    mut entries: Vec<(i64, Vec<u8>)>,
    ext: &Extensions,
) -> Vec<(i64, Vec<u8>)> {
    for (k, v) in ext.iter() {
        if !entries.iter().any(|(known, _)| *known == k) {
            entries.push((k, v.as_bytes().to_vec()));
        }
    }
    entries
}

fn list<T>(items: &[T], f: fn(&mut Writer, &T)) -> Vec<u8> {
    encode(|w| {
        w.array(items.len());
        for item in items {
            f(w, item);
        }
    })
}

/// Writes `[required..., optional..., unknown...]`, dropping trailing absent
/// optional elements and writing `null` for absent ones before a present one.
fn positional(
    w: &mut Writer,
    required: usize,
    write_required: impl FnOnce(&mut Writer),
    optional: &[Option<Vec<u8>>],
    unknown: &[RawCbor],
) {
    let used_optional = if unknown.is_empty() {
        optional
            .iter()
            .rposition(Option::is_some)
            .map_or(0, |i| i + 1)
    } else {
        optional.len()
    };
    w.array(required + used_optional + unknown.len());
    write_required(w);
    for item in optional.iter().take(used_optional) {
        match item {
            Some(bytes) => w.raw(bytes),
            None => w.null(),
        };
    }
    for item in unknown {
        w.raw(item.as_bytes());
    }
}

fn text_item(s: &str) -> Vec<u8> {
    encode(|w| {
        w.text(s);
    })
}

fn holder(w: &mut Writer, h: &Holder) {
    let optional = [
        h.native_name.as_deref().map(text_item),
        h.residence_country.map(|c| text_item(c.as_str())),
        h.residence_city.as_deref().map(text_item),
    ];
    positional(
        w,
        7,
        |w| {
            w.text(&h.primary_name).text(&h.secondary_name);
            birth_date(w, &h.date_of_birth);
            w.uint(h.sex.code().into())
                .text(h.nationality.as_str())
                .uint(h.document_type.code().into())
                .text(&h.document_number);
        },
        &optional,
        &h.unknown_elements,
    );
}

fn birth_date(w: &mut Writer, d: &BirthDate) {
    match d {
        BirthDate::Full(date) => {
            w.int(date.days_since_epoch());
        }
        BirthDate::YearMonth { year, month } => {
            w.array(2).uint((*year).into()).uint((*month).into());
        }
        BirthDate::Year(year) => {
            w.array(1).uint((*year).into());
        }
        // Refused by `Holder::validate` before anything is encoded.
        BirthDate::Unknown => {
            w.array(0);
        }
    }
}

fn journey(w: &mut Writer, j: &Journey) {
    let mut entries = Vec::new();
    if let Some(flight) = &j.flight {
        entries.push((key::FLIGHT, text_item(flight)));
    }
    if let Some(c) = &j.departure_country {
        entries.push((key::DEPARTURE_COUNTRY, text_item(c.as_str())));
    }
    if let Some(at) = j.departure_at {
        entries.push((
            key::DEPARTURE_AT,
            encode(|w| {
                w.uint(at.unix().unsigned_abs());
            }),
        ));
    }
    if !j.transit.is_empty() {
        entries.push((key::TRANSIT, list(&j.transit, transit_point)));
    }
    if let Some(port) = &j.entry_port {
        entries.push((key::ENTRY_PORT, text_item(port)));
    }
    w.map_sorted(with_extensions(entries, &j.unknown_keys));
}

fn transit_point(w: &mut Writer, t: &TransitPoint) {
    positional(
        w,
        1,
        |w| {
            w.text(t.country.as_str());
        },
        &[t.place.as_deref().map(text_item)],
        &t.unknown_elements,
    );
}

fn history(w: &mut Writer, h: &HistoryEntry) {
    let recovered = h.recovered_on.map(|d| {
        encode(|w| {
            w.int(d.days_since_epoch());
        })
    });
    positional(
        w,
        3,
        |w| {
            w.uint(h.kind.code().into())
                .uint(h.disease.code().into())
                .int(h.date.days_since_epoch());
        },
        &[recovered],
        &h.unknown_elements,
    );
}

fn nat(w: &mut Writer, t: &NatTest) {
    positional(
        w,
        6,
        |w| {
            w.uint(t.disease.code().into())
                .uint(t.method.code().into())
                .uint(t.sampled_at.unix().unsigned_abs())
                .uint(t.result.code().into())
                .text(&t.laboratory.name)
                .text(t.laboratory.country.as_str());
        },
        &[],
        &t.unknown_elements,
    );
}

fn antibody(w: &mut Writer, t: &AntibodyTest) {
    let quantity = t.quantity.as_ref().map(|q| {
        encode(|w| {
            w.array(3)
                .int(q.mantissa)
                .int(q.exponent.into())
                .text(&q.unit);
        })
    });
    positional(
        w,
        5,
        |w| {
            w.uint(t.class.code().into())
                .uint(t.sampled_at.unix().unsigned_abs())
                .uint(t.result.code().into())
                .text(&t.laboratory.name)
                .text(t.laboratory.country.as_str());
        },
        &[quantity],
        &t.unknown_elements,
    );
}

fn vaccination(w: &mut Writer, v: &Vaccination) {
    positional(
        w,
        8,
        |w| {
            w.uint(v.disease.code().into())
                .uint(v.product.code().into())
                .uint(v.manufacturer.code().into())
                .uint(v.dose.into())
                .uint(v.series_total.into())
                .int(v.date.days_since_epoch())
                .text(&v.centre.name)
                .text(v.centre.country.as_str());
        },
        &[],
        &v.unknown_elements,
    );
}

// ---------------------------------------------------------------- decoding

/// Where an entry sits, for error messages; formatted only when an error occurs.
#[derive(Clone, Copy)]
struct At {
    list: &'static str,
    index: usize,
}

impl At {
    fn field(self, name: &str) -> String {
        format!("{}[{}].{name}", self.list, self.index)
    }

    fn invalid(self, name: &str, reason: impl std::fmt::Display) -> VerifyError {
        VerifyError::InvalidRecord(RecordError::new(self.field(name), reason.to_string()))
    }

    fn too_many_unknown(self) -> VerifyError {
        VerifyError::InvalidRecord(RecordError::new(
            format!("{}[{}]", self.list, self.index),
            format!("has more than {MAX_UNKNOWN_ITEMS} unknown items"),
        ))
    }
}

/// Decodes one record item from `r` (nested at `depth`) and validates it.
pub(crate) fn decode_record(r: &mut Reader<'_>, depth: usize) -> Result<HealthRecord> {
    let mut holder_value = None;
    let mut journey_value = None;
    let mut nat_tests = Vec::new();
    let mut antibody_tests = Vec::new();
    let mut vaccinations = Vec::new();
    let mut infection_history = Vec::new();
    let mut recovery_tests = Vec::new();
    let mut unknown_keys = Extensions::default();
    r.int_map("the health record", |r, k| {
        match k {
            key::HOLDER => holder_value = Some(decode_holder(r, depth + 1)?),
            key::JOURNEY => journey_value = Some(decode_journey(r, depth + 1)?),
            key::NAT => nat_tests = decode_list(r, depth + 1, "nat_tests", decode_nat)?,
            key::ANTIBODY => {
                antibody_tests = decode_list(r, depth + 1, "antibody_tests", decode_antibody)?
            }
            key::VACCINATION => {
                vaccinations = decode_list(r, depth + 1, "vaccinations", decode_vaccination)?
            }
            key::HISTORY => {
                infection_history = decode_list(r, depth + 1, "infection_history", decode_history)?
            }
            key::RECOVERY => {
                recovery_tests = decode_list(r, depth + 1, "recovery_tests", decode_nat)?
            }
            other => {
                if unknown_keys.len() >= MAX_UNKNOWN_ITEMS {
                    return Err(too_many_unknown("record"));
                }
                unknown_keys.insert(other, RawCbor::new(r.raw_item(depth + 1)?.to_vec()))
            }
        }
        Ok(())
    })?;
    let record = HealthRecord {
        holder: holder_value.ok_or_else(|| invalid("holder", "is missing"))?,
        journey: journey_value,
        nat_tests,
        antibody_tests,
        vaccinations,
        antigen_tests: Vec::new(),
        infection_history,
        recovery_tests,
        unknown_keys,
    };
    record.validate().map_err(VerifyError::InvalidRecord)?;
    Ok(record)
}

fn invalid(path: &str, reason: impl std::fmt::Display) -> VerifyError {
    VerifyError::InvalidRecord(RecordError::new(path, reason.to_string()))
}

fn too_many_unknown(path: &str) -> VerifyError {
    invalid(
        path,
        format!("has more than {MAX_UNKNOWN_ITEMS} unknown items"),
    )
}

fn decode_list<'b, T>(
    r: &mut Reader<'b>,
    depth: usize,
    list: &'static str,
    f: fn(&mut Reader<'b>, usize, At) -> Result<T>,
) -> Result<Vec<T>> {
    let n = r.array(list)?;
    if n == 0 {
        return Err(invalid(list, "must not be empty (omit the key instead)"));
    }
    if n > MAX_ENTRIES_PER_KIND {
        return Err(invalid(
            list,
            format!("has {n} entries; at most {MAX_ENTRIES_PER_KIND} are allowed"),
        ));
    }
    let mut items = Vec::with_capacity(n);
    for index in 0..n {
        items.push(f(r, depth + 1, At { list, index })?);
    }
    Ok(items)
}

/// Reads a positional array's header: at least `required` elements.
fn array_at_least(r: &mut Reader<'_>, what: &'static str, required: usize) -> Result<usize> {
    let n = r.array(what)?;
    if n < required {
        return Err(invalid(
            what,
            format!("has {n} elements; at least {required} are required"),
        ));
    }
    Ok(n)
}

/// Reads the elements after the known ones, byte for byte.
fn trailing(
    r: &mut Reader<'_>,
    depth: usize,
    count: usize,
    too_many: impl FnOnce() -> VerifyError,
) -> Result<Vec<RawCbor>> {
    if count > MAX_UNKNOWN_ITEMS {
        return Err(too_many());
    }
    (0..count)
        .map(|_| r.raw_item(depth + 1).map(|b| RawCbor::new(b.to_vec())))
        .collect()
}

fn country(
    r: &mut Reader<'_>,
    what: &'static str,
) -> Result<std::result::Result<CountryCode, String>> {
    Ok(CountryCode::new(r.text(what)?).map_err(|e| e.to_string()))
}

fn instant(r: &mut Reader<'_>, what: &'static str) -> Result<Option<Timestamp>> {
    let n = r.u64(what)?;
    Ok(i64::try_from(n)
        .ok()
        .and_then(|s| Timestamp::from_unix(s).ok()))
}

const INSTANT_RANGE: &str = "instant is after 9999-12-31T23:59:59Z";

fn date(r: &mut Reader<'_>, what: &'static str) -> Result<std::result::Result<Date, String>> {
    let days = r.i64(what)?;
    Ok(Date::from_days_since_epoch(days).map_err(|e| e.to_string()))
}

/// A code: an unsigned integer; above u32 it is out of range (`InvalidRecord`).
fn code(r: &mut Reader<'_>, what: &'static str) -> Result<u32> {
    let n = r.u64(what)?;
    u32::try_from(n).map_err(|_| invalid(what, format!("code {n} is out of range")))
}

fn small(r: &mut Reader<'_>, what: &'static str) -> Result<Option<u8>> {
    Ok(u8::try_from(r.u64(what)?).ok())
}

fn owned_text(r: &mut Reader<'_>, what: &'static str) -> Result<String> {
    r.text(what).map(str::to_owned)
}

/// An optional positional element: absent (past the end), `null`, or a value.
fn optional<T>(
    r: &mut Reader<'_>,
    present: bool,
    f: impl FnOnce(&mut Reader<'_>) -> Result<T>,
) -> Result<Option<T>> {
    if !present || r.null()? {
        Ok(None)
    } else {
        f(r).map(Some)
    }
}

fn decode_holder(r: &mut Reader<'_>, depth: usize) -> Result<Holder> {
    let n = array_at_least(r, "holder", 7)?;
    let primary_name = owned_text(r, "holder.primary_name")?;
    let secondary_name = owned_text(r, "holder.secondary_name")?;
    let date_of_birth = decode_birth_date(r)?;
    let sex = Sex::from_code(code(r, "holder.sex")?);
    let nationality = Nationality::new(r.text("holder.nationality")?)
        .map_err(|e| invalid("holder.nationality", e))?;
    let document_type = DocumentType::from_code(code(r, "holder.document_type")?);
    let document_number = owned_text(r, "holder.document_number")?;
    let native_name = optional(r, n > 7, |r| owned_text(r, "holder.native_name"))?;
    let residence_country = optional(r, n > 8, |r| {
        country(r, "holder.residence_country")?.map_err(|e| invalid("holder.residence_country", e))
    })?;
    let residence_city = optional(r, n > 9, |r| owned_text(r, "holder.residence_city"))?;
    Ok(Holder {
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
        unknown_elements: trailing(r, depth, n.saturating_sub(10), || {
            too_many_unknown("holder")
        })?,
    })
}

fn decode_birth_date(r: &mut Reader<'_>) -> Result<BirthDate> {
    const PATH: &str = "holder.date_of_birth";
    if r.peek()? == minicbor::data::Type::Array {
        let n = r.array(PATH)?;
        let year = u16::try_from(r.u64(PATH)?).map_err(|_| invalid(PATH, "year out of range"))?;
        match n {
            1 => BirthDate::year(year).map_err(|e| invalid(PATH, e)),
            2 => {
                let month = small(r, PATH)?.ok_or_else(|| invalid(PATH, "month out of range"))?;
                BirthDate::year_month(year, month).map_err(|e| invalid(PATH, e))
            }
            _ => Err(invalid(PATH, "a partial date is [year] or [year, month]")),
        }
    } else {
        date(r, PATH)?
            .map(BirthDate::Full)
            .map_err(|e| invalid(PATH, e))
    }
}

fn decode_journey(r: &mut Reader<'_>, depth: usize) -> Result<Journey> {
    let mut j = Journey::default();
    r.int_map("journey", |r, k| {
        match k {
            key::FLIGHT => j.flight = Some(owned_text(r, "journey.flight")?),
            key::DEPARTURE_COUNTRY => {
                j.departure_country = Some(
                    country(r, "journey.departure_country")?
                        .map_err(|e| invalid("journey.departure_country", e))?,
                )
            }
            key::DEPARTURE_AT => {
                j.departure_at = Some(
                    instant(r, "journey.departure_at")?
                        .ok_or_else(|| invalid("journey.departure_at", INSTANT_RANGE))?,
                )
            }
            key::TRANSIT => {
                let n = r.array("journey.transit")?;
                if n == 0 {
                    return Err(invalid(
                        "journey.transit",
                        "must not be empty (omit the key instead)",
                    ));
                }
                if n > MAX_TRANSIT_POINTS {
                    return Err(invalid(
                        "journey.transit",
                        format!("has {n} entries; at most {MAX_TRANSIT_POINTS} are allowed"),
                    ));
                }
                let mut points = Vec::with_capacity(n);
                for index in 0..n {
                    points.push(decode_transit(r, depth + 2, index)?);
                }
                j.transit = points;
            }
            key::ENTRY_PORT => j.entry_port = Some(owned_text(r, "journey.entry_port")?),
            other => {
                if j.unknown_keys.len() >= MAX_UNKNOWN_ITEMS {
                    return Err(too_many_unknown("journey"));
                }
                j.unknown_keys
                    .insert(other, RawCbor::new(r.raw_item(depth + 1)?.to_vec()))
            }
        }
        Ok(())
    })?;
    Ok(j)
}

fn decode_transit(r: &mut Reader<'_>, depth: usize, index: usize) -> Result<TransitPoint> {
    let n = array_at_least(r, "a transit point", 1)?;
    let country = country(r, "a transit country")?
        .map_err(|e| invalid(&format!("journey.transit[{index}].country"), e))?;
    let place = optional(r, n > 1, |r| owned_text(r, "a transit place"))?;
    Ok(TransitPoint {
        country,
        place,
        unknown_elements: trailing(r, depth, n.saturating_sub(2), || {
            too_many_unknown(&format!("journey.transit[{index}]"))
        })?,
    })
}

fn decode_history(r: &mut Reader<'_>, depth: usize, at: At) -> Result<HistoryEntry> {
    let n = array_at_least(r, "a history entry", 3)?;
    let kind = HistoryKind::from_code(code(r, "a history kind code")?);
    let disease = Disease::from_code(code(r, "a history entry's disease code")?);
    let on = date(r, "a history date")?.map_err(|e| at.invalid("date", e))?;
    let recovered_on = optional(r, n > 3, |r| {
        date(r, "a date of recovery")?.map_err(|e| at.invalid("recovered_on", e))
    })?;
    Ok(HistoryEntry {
        kind,
        disease,
        date: on,
        recovered_on,
        valid_from: None,
        valid_until: None,
        unknown_elements: trailing(r, depth, n.saturating_sub(4), || at.too_many_unknown())?,
    })
}

fn facility(r: &mut Reader<'_>, at: At, field: &str) -> Result<Facility> {
    let name = owned_text(r, "a facility name")?;
    let country = country(r, "a facility country")?
        .map_err(|e| at.invalid(&format!("{field}.country"), e))?;
    Ok(Facility { name, country })
}

fn decode_nat(r: &mut Reader<'_>, depth: usize, at: At) -> Result<NatTest> {
    let n = array_at_least(r, "a NAT test", 6)?;
    Ok(NatTest {
        disease: Disease::from_code(code(r, "a NAT test's disease code")?),
        method: NatMethod::from_code(code(r, "a NAT test's method code")?),
        sampled_at: instant(r, "a NAT test's sampling time")?
            .ok_or_else(|| at.invalid("sampled_at", INSTANT_RANGE))?,
        result: NatResult::from_code(code(r, "a NAT test's result code")?),
        laboratory: facility(r, at, "laboratory")?,
        unknown_elements: trailing(r, depth, n - 6, || at.too_many_unknown())?,
    })
}

fn decode_antibody(r: &mut Reader<'_>, depth: usize, at: At) -> Result<AntibodyTest> {
    let n = array_at_least(r, "an antibody test", 5)?;
    let class = AntibodyClass::from_code(code(r, "an antibody class code")?);
    let sampled_at = instant(r, "an antibody test's sampling time")?
        .ok_or_else(|| at.invalid("sampled_at", INSTANT_RANGE))?;
    let result = AntibodyResult::from_code(code(r, "an antibody result code")?);
    let laboratory = facility(r, at, "laboratory")?;
    let quantity = optional(r, n > 5, |r| {
        if r.array("a quantity")? != 3 {
            return Err(at.invalid("quantity", "a quantity is [mantissa, exponent, unit]"));
        }
        let mantissa = r.i64("a quantity's mantissa")?;
        let exponent = i8::try_from(r.i64("a quantity's exponent")?)
            .map_err(|_| at.invalid("quantity.exponent", "must be within -18..=18"))?;
        let unit = owned_text(r, "a quantity's unit")?;
        Ok(Quantity {
            mantissa,
            exponent,
            unit,
        })
    })?;
    Ok(AntibodyTest {
        class,
        sampled_at,
        result,
        laboratory,
        quantity,
        unknown_elements: trailing(r, depth, n.saturating_sub(6), || at.too_many_unknown())?,
    })
}

fn decode_vaccination(r: &mut Reader<'_>, depth: usize, at: At) -> Result<Vaccination> {
    let n = array_at_least(r, "a vaccination", 8)?;
    Ok(Vaccination {
        disease: Disease::from_code(code(r, "a vaccination's disease code")?),
        product: VaccineProduct::from_code(code(r, "a vaccine product code")?),
        manufacturer: Manufacturer::from_code(code(r, "a manufacturer code")?),
        dose: small(r, "a dose number")?.ok_or_else(|| at.invalid("dose", "must be 1..=99"))?,
        series_total: small(r, "a series total")?
            .ok_or_else(|| at.invalid("series_total", "must be 1..=99"))?,
        date: date(r, "a vaccination date")?.map_err(|e| at.invalid("date", e))?,
        centre: facility(r, at, "centre")?,
        unknown_elements: trailing(r, depth, n - 8, || at.too_many_unknown())?,
    })
}
