//! `travelcert verify`: one certificate (optionally through border rules), the
//! codes in an image, or a batch through the bulk runner.

use std::path::Path;

use travelcert::model::Timestamp;
use travelcert::policy::{Moment, Outcome, Policy};
use travelcert::verify::{Verifier, VerifyOptions};

use crate::bulk;
use crate::cli::VerifyArgs;
use crate::exit::{usage, Exit, Failure};
use crate::input::{instant, read_bytes, read_scoped_roots};
use crate::output::print_json;
use crate::reader;
use crate::trust::{add_hcert_inputs, load_trust_data};

pub(crate) fn run(args: VerifyArgs) -> Result<(), Failure> {
    let VerifyArgs {
        trust,
        dsc,
        shc_issuer,
        shc_crl,
        csca,
        root,
        revocations,
        state_dir,
        policy,
        boarding,
        at,
        skew,
        reader_key,
        batch,
        image,
        input,
    } = args;
    let now = instant(at.as_deref())?;
    let roots = read_scoped_roots(&root)?;
    if roots.is_empty() && revocations.is_some() {
        return Err(usage("a signed revocation list needs --root"));
    }
    let (store, revoked) = load_trust_data(
        &trust,
        roots,
        revocations.as_deref(),
        state_dir,
        now,
        // The foreign formats' trust inputs, after the travelcert ones.
        |inputs| {
            add_hcert_inputs(inputs, &dsc, &csca)?;
            crate::shc::add_inputs(inputs, &shc_issuer, &shc_crl)
        },
    )?;
    let options = VerifyOptions {
        clock_skew: skew,
        ..VerifyOptions::default()
    };
    let mut verifier =
        Verifier::with_options(store, options).with_reader_keys(reader::load_keys(&reader_key)?);
    if let Some(list) = revoked {
        verifier = verifier.with_revocations(list);
    }
    if let Some(batch) = batch {
        if policy.is_some() {
            return Err(usage("--policy cannot be used with --batch"));
        }
        return bulk::verify(&verifier, now, &batch);
    }
    if let Some(path) = image {
        if policy.is_some() {
            return Err(usage("--policy cannot be used with --image"));
        }
        return verify_image(&verifier, &path, now);
    }
    let policy = match &policy {
        Some(path) => Some(
            Policy::from_json(&read_bytes(path)?)
                .map_err(|e| usage(format!("{}: {e}", path.display())))?,
        ),
        None => None,
    };
    let texts = input.read_all()?;
    let verified = match crate::shc::verify(&verifier, &texts, input.text_file.as_deref(), now)? {
        crate::shc::Outcome::One(result) => (*result).map_err(crate::shc::invalid)?,
        crate::shc::Outcome::Many(results) => {
            if policy.is_some() {
                return Err(usage("--policy needs a file with one card"));
            }
            return print_results(results);
        }
        crate::shc::Outcome::Other => {
            let text = texts.first().ok_or_else(|| usage("no certificate text"))?;
            verifier.verify(text, now).map_err(crate::shc::invalid)?
        }
    };
    crate::shc::warn(&verified);
    let Some(policy) = policy else {
        return print_json(&verified);
    };
    let mut moment = Moment::checking(now);
    if let Some(b) = boarding.as_deref() {
        moment = moment.with_boarding(Timestamp::parse_rfc3339(b).map_err(usage)?);
    }
    let verdict = policy.evaluate(&verified, moment);
    print_json(&verdict.view(verified.certificate()))?;
    eprintln!("{}", verdict.explain());
    match verdict.outcome {
        Outcome::Accepted => Ok(()),
        Outcome::Refused => Err(Failure::new(Exit::Refused, "refused by the rules")),
        _ => Err(Failure::new(Exit::Review, "needs review")),
    }
}

/// One entry per card of a file: a JSON array; exit 1 when any is invalid.
fn print_results(
    results: Vec<Result<travelcert::verify::Verified, travelcert::VerifyError>>,
) -> Result<(), Failure> {
    let mut invalid = Vec::new();
    let entries: Vec<serde_json::Value> = results
        .into_iter()
        .map(|r| match r {
            Ok(verified) => {
                crate::shc::warn(&verified);
                serde_json::json!({ "valid": true, "result": verified })
            }
            Err(e) => {
                invalid.push(format!("invalid: {}: {e}", e.name()));
                serde_json::json!({ "valid": false, "error": e.name(), "message": e.to_string() })
            }
        })
        .collect();
    print_json(&entries)?;
    if invalid.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(Exit::Invalid, invalid.join("\n")))
    }
}

/// Scans an image and verifies every code in it: a JSON array on stdout with
/// one entry per code; exit 1 when no code is found or any code is invalid.
fn verify_image(verifier: &Verifier, path: &Path, now: Timestamp) -> Result<(), Failure> {
    let texts = travelcert::scan::scan(&read_bytes(path)?)
        .map_err(|e| usage(format!("{}: {e}", path.display())))?;
    if texts.is_empty() {
        return Err(Failure::new(
            Exit::Invalid,
            format!("invalid: no QR code found in {}", path.display()),
        ));
    }
    let mut entries = Vec::new();
    let mut invalid = Vec::new();
    // The chunks of a SMART Health Card (`shc:/i/n/…`) make one card together.
    for set in verifier.verify_codes(&texts, now) {
        let (key, texts) = match &set.texts[..] {
            [text] => ("text", serde_json::json!(text)),
            chunks => ("chunks", serde_json::json!(chunks)),
        };
        let mut entry = match set.result {
            Ok(verified) => serde_json::json!({ "valid": true, "result": verified }),
            Err(e) => {
                invalid.push(format!("invalid: {}: {e}", e.name()));
                serde_json::json!({ "valid": false, "error": e.name(), "message": e.to_string() })
            }
        };
        if let Some(entry) = entry.as_object_mut() {
            entry.insert(key.to_owned(), texts);
        }
        entries.push(entry);
    }
    print_json(&entries)?;
    if invalid.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(Exit::Invalid, invalid.join("\n")))
    }
}
