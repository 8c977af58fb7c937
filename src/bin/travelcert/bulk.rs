//! Bulk issuing and verifying: the input and output files, the split over
//! the cores, the progress bar and the summary. Issuing and verifying
//! themselves are the library's (`Issuer::issue`, `Verifier::verify_batch`).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use travelcert::issue::{IssueParams, Issuer};
use travelcert::model::{CountryCode, HealthRecord, Timestamp};
use travelcert::verify::Verifier;

use crate::exit::{usage, Exit, Failure};
use crate::input::read_text;
use crate::output::{create, create_io, describe, refuse_existing, Create};
use crate::pkcs11::KeySource;

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
fn parallel<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&[T]) -> Vec<R> + Sync,
) -> Result<Vec<R>, Failure> {
    parallel_on(threads(), items, f)
}

/// [`parallel`] on `threads` threads. A worker's panic is propagated (after
/// every worker has stopped): no result is dropped, so none can shift to
/// another input. A part whose result count differs from its input count
/// stops the run with an error for the same reason.
fn parallel_on<T: Sync, R: Send>(
    threads: usize,
    items: &[T],
    f: impl Fn(&[T]) -> Vec<R> + Sync,
) -> Result<Vec<R>, Failure> {
    let per = items.len().div_ceil(threads.max(1)).max(1);
    let f = &f;
    let joined: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|part| (part.len(), scope.spawn(move || f(part))))
            .collect();
        handles
            .into_iter()
            .map(|(len, h)| (len, h.join()))
            .collect()
    });
    let mut results = Vec::with_capacity(items.len());
    for (len, part) in joined {
        let part = part.unwrap_or_else(|payload| std::panic::resume_unwind(payload));
        if part.len() != len {
            return Err(usage(format!(
                "internal error: a worker returned {} results for {len} inputs; nothing was reported",
                part.len()
            )));
        }
        results.extend(part);
    }
    Ok(results)
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
    key: &KeySource,
    country: CountryCode,
    params: &IssueParams,
    input: &Path,
    out_dir: &Path,
    force: bool,
) -> Result<(), Failure> {
    let text = read_text(input)?;
    std::fs::create_dir_all(out_dir).map_err(|e| usage(format!("{}: {e}", out_dir.display())))?;
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return Err(usage(format!("{}: no records to issue", input.display())));
    }
    // Nothing is issued when an output would be overwritten without --force.
    let report_path = out_dir.join("report.jsonl");
    refuse_existing(&report_path, force)?;
    for (n, _) in &lines {
        refuse_existing(&out_dir.join(format!("{n:06}.txt")), force)?;
    }
    let started = Instant::now();
    let bar = progress(lines.len(), "issuing");
    let results = parallel(&lines, |part| {
        // One issuer per thread: it reuses its compressor. A token's
        // signers share its session pool.
        let signer = match key.signer() {
            Ok(s) => s,
            Err(e) => return part.iter().map(|(n, _)| (*n, Err(e.clone()))).collect(),
        };
        let issuer = Issuer::new(signer, country);
        part.iter()
            .map(|(n, line)| {
                let result = serde_json::from_str::<HealthRecord>(line)
                    .map_err(|e| format!("record JSON: {e}"))
                    .and_then(|r| issuer.issue(&r, params).map_err(|e| e.to_string()))
                    .and_then(|issued| {
                        let file = format!("{n:06}.txt");
                        let path = out_dir.join(&file);
                        let text = format!("{}\n", issued.text);
                        create_io(&path, text.as_bytes(), Create::private(force))
                            .map_err(|e| describe(Path::new(&file), &e))?;
                        Ok(json!({"line": n, "ok": true, "file": file,
                            "certificate_id": issued.certificate.certificate_id.to_string(),
                            "characters": issued.text.len()}))
                    });
                bar.inc(1);
                (*n, result)
            })
            .collect()
    })?;
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
    create(&report_path, report.as_bytes(), Create::private(force))?;
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
    if sources.is_empty() {
        return Err(usage(format!(
            "{}: no certificates to verify ({})",
            input.display(),
            if input.is_dir() {
                "no *.txt file"
            } else {
                "no non-empty line"
            }
        )));
    }
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
    })?;
    bar.finish_and_clear();
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for ((source, _), result) in sources.iter().zip(&results) {
        let entry = match result {
            Ok(v) => json!({"source": source, "valid": true,
                            "issuer": v.certificate().issuer.to_string(),
                            "certificate_id": v.certificate().certificate_id.to_string()}),
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

#[cfg(test)]
#[allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]
mod tests {
    use super::parallel_on;

    #[test]
    fn results_keep_input_order_across_threads() {
        let items: Vec<u32> = (0..103).collect();
        for threads in [1, 2, 3, 4, 16, 200] {
            let out = parallel_on(threads, &items, |part| {
                part.iter().map(|n| n * 10).collect::<Vec<_>>()
            })
            .ok()
            .unwrap();
            assert_eq!(out, items.iter().map(|n| n * 10).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_worker_panic_is_propagated_not_swallowed() {
        let items: Vec<u32> = (0..40).collect();
        // The third of four parts panics; before, its results silently
        // vanished and the later parts' results moved up to its inputs.
        let caught = std::panic::catch_unwind(|| {
            parallel_on(4, &items, |part| {
                if part.contains(&25) {
                    panic!("worker failed on its part");
                }
                part.to_vec()
            })
        });
        let payload = caught.err().expect("the panic reaches the caller");
        assert_eq!(
            payload.downcast_ref::<&str>(),
            Some(&"worker failed on its part")
        );
    }

    #[test]
    fn a_worker_returning_too_few_results_stops_the_run() {
        let items: Vec<u32> = (0..40).collect();
        let result = parallel_on(4, &items, |part| {
            if part.contains(&5) {
                part.iter().skip(1).copied().collect()
            } else {
                part.to_vec()
            }
        });
        let failure = result.expect_err("an error, not shifted results");
        assert_eq!(failure.exit, crate::exit::Exit::Usage);
        assert!(
            failure.message.contains("9 results for 10 inputs"),
            "{}",
            failure.message
        );
    }
}
