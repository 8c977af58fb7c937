//! Bulk issuing and verifying: the input and output files, the split over
//! the cores, the progress bar and the summary. Issuing and verifying
//! themselves are the library's (`Issuer::issue`, `Verifier::verify_batch`).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use travelcert::issue::{Ed25519Signer, IssueParams, Issuer};
use travelcert::model::{CountryCode, HealthRecord, Timestamp};
use travelcert::verify::Verifier;

use crate::exit::{usage, Exit, Failure};
use crate::input::read_text;
use crate::output::write;

/// Certificates per `verify_batch` call.
const CHUNK: usize = 64;

fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A progress bar on a terminal, nothing when stderr is piped.
fn progress(len: usize, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template(&format!(
        "{what} {{bar:40}} {{pos}}/{{len}} {{per_sec}} eta {{eta}}"
    )) {
        bar.set_style(style);
    }
    bar
}

/// Splits `items` into one contiguous part per core, runs `f` on each part
/// on its own thread, and joins the results in input order.
fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&[T]) -> Vec<R> + Sync) -> Vec<R> {
    let per = items.len().div_ceil(threads()).max(1);
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|part| scope.spawn(move || f(part)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

fn summary(what: &str, total: usize, errors: &BTreeMap<String, usize>, started: Instant) {
    let failed: usize = errors.values().sum();
    let secs = started.elapsed().as_secs_f64();
    let rate = if secs > 0.0 { total as f64 / secs } else { 0.0 };
    eprintln!(
        "{what}: {total} in all, {} ok, {failed} failed, {secs:.2} s ({rate:.0} per second)",
        total - failed
    );
    for (kind, n) in errors {
        eprintln!("  {kind}: {n}");
    }
}

/// `issue --batch RECORDS.jsonl --out-dir DIR`.
pub(crate) fn issue(
    pem: &str,
    country: CountryCode,
    params: &IssueParams,
    input: &Path,
    out_dir: &Path,
) -> Result<(), Failure> {
    let text = read_text(input)?;
    std::fs::create_dir_all(out_dir).map_err(|e| usage(format!("{}: {e}", out_dir.display())))?;
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let started = Instant::now();
    let bar = progress(lines.len(), "issuing");
    let results = parallel(&lines, |part| {
        // One issuer per thread: it reuses its compressor.
        let signer = match Ed25519Signer::from_pkcs8_pem(pem) {
            Ok(s) => s,
            Err(e) => return part.iter().map(|(n, _)| (*n, Err(e.to_string()))).collect(),
        };
        let issuer = Issuer::new(signer, country);
        part.iter()
            .map(|(n, line)| {
                let result = serde_json::from_str::<HealthRecord>(line)
                    .map_err(|e| format!("record JSON: {e}"))
                    .and_then(|r| issuer.issue(&r, params).map_err(|e| e.to_string()))
                    .and_then(|issued| {
                        let file = format!("{n:06}.txt");
                        std::fs::write(out_dir.join(&file), format!("{}\n", issued.text))
                            .map_err(|e| format!("{file}: {e}"))?;
                        Ok(json!({"line": n, "ok": true, "file": file,
                            "certificate_id": issued.certificate.certificate_id.to_string(),
                            "characters": issued.text.len()}))
                    });
                bar.inc(1);
                (*n, result)
            })
            .collect()
    });
    bar.finish_and_clear();
    let mut report = String::new();
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    for (line, result) in &results {
        let entry = match result {
            Ok(entry) => entry.clone(),
            Err(e) => {
                *errors.entry("invalid record".to_owned()).or_default() += 1;
                json!({"line": line, "ok": false, "error": e})
            }
        };
        report.push_str(&entry.to_string());
        report.push('\n');
    }
    let report_path = out_dir.join("report.jsonl");
    write(&report_path, report.as_bytes())?;
    summary("issued", results.len(), &errors, started);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(
            Exit::Invalid,
            format!("see {}", report_path.display()),
        ))
    }
}

/// `verify --batch DIR_OR_FILE`.
pub(crate) fn verify(verifier: &Verifier, now: Timestamp, input: &Path) -> Result<(), Failure> {
    let sources: Vec<(String, String)> = if input.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(input)
            .map_err(|e| usage(format!("{}: {e}", input.display())))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| Ok((p.display().to_string(), read_text(&p)?.trim().to_owned())))
            .collect::<Result<_, Failure>>()?
    } else {
        read_text(input)?
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                (
                    format!("{}:{}", input.display(), i + 1),
                    l.trim().to_owned(),
                )
            })
            .collect()
    };
    let started = Instant::now();
    let bar = progress(sources.len(), "verifying");
    let results = parallel(&sources, |part| {
        part.chunks(CHUNK)
            .flat_map(|chunk| {
                let texts: Vec<&str> = chunk.iter().map(|(_, t)| t.as_str()).collect();
                let results = verifier.verify_batch(&texts, now);
                bar.inc(chunk.len() as u64);
                results
            })
            .collect()
    });
    bar.finish_and_clear();
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for ((source, _), result) in sources.iter().zip(&results) {
        let entry = match result {
            Ok(v) => json!({"source": source, "valid": true,
                            "issuer": v.certificate.issuer.to_string(),
                            "certificate_id": v.certificate.certificate_id.to_string()}),
            Err(e) => {
                *errors.entry(e.name().to_owned()).or_default() += 1;
                json!({"source": source, "valid": false, "error": e.name(),
                       "message": e.to_string()})
            }
        };
        writeln!(out, "{entry}").map_err(|e| usage(format!("standard output: {e}")))?;
    }
    summary("verified", results.len(), &errors, started);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(Exit::Invalid, ""))
    }
}
