//! Scanning degraded images: every class of `degrade::CLASSES` must reach a
//! 90% success rate (a class listed in `KNOWN_GAPS` is held to its measured
//! floor instead, and says so). When `zbarimg` (Debian `zbar-tools`) is
//! installed the same set is also given to it, and both rates and times are
//! printed (`cargo test --features scan,render,issue --release --test
//! scan_robustness -- --nocapture`); docs/qr.md records them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod degrade;

use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

/// Images per class.
const PER_CLASS: usize = 12;
const SEED: u64 = 0x7c1_5ca7;
const REQUIRED: f64 = 0.9;

/// Classes below 90%: (class, floor asserted instead, why). Empty when every
/// class reaches the bar.
const KNOWN_GAPS: &[(&str, f64, &str)] = &[];

fn zbarimg_available() -> bool {
    Command::new("zbarimg").arg("--version").output().is_ok()
}

/// zbarimg's texts for one image file.
fn zbarimg(path: &std::path::Path) -> Vec<String> {
    let out = Command::new("zbarimg")
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[derive(Default)]
struct Tally {
    total: usize,
    ours: usize,
    ours_time: Duration,
    zbar: usize,
    zbar_time: Duration,
    ours_missed_zbar_read: usize,
}

fn all_found(found: &[String], expected: &[String]) -> bool {
    expected.iter().all(|e| found.contains(e)) && found.iter().all(|f| expected.contains(f))
}

#[test]
fn degraded_images_are_read() {
    let cases = degrade::degraded_set(PER_CLASS, SEED);
    let zbar = zbarimg_available();
    if !zbar {
        eprintln!("zbarimg not installed (Debian: zbar-tools): comparison skipped");
    }
    let dir = std::env::temp_dir().join(format!("travelcert-scan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let tally = tallies.entry(case.class).or_default();
        tally.total += 1;
        let start = Instant::now();
        let found = travelcert::scan::scan(&case.bytes).unwrap();
        tally.ours_time += start.elapsed();
        let ours_ok = all_found(&found, &case.expected);
        if ours_ok {
            tally.ours += 1;
        } else {
            failures.push(format!("{} #{i}: found {}", case.class, found.len()));
        }
        if zbar {
            let ext = if case.class == "jpeg" { "jpg" } else { "png" };
            let path = dir.join(format!("{i:03}-{}.{ext}", case.class));
            std::fs::write(&path, &case.bytes).unwrap();
            let start = Instant::now();
            let z = zbarimg(&path);
            tally.zbar_time += start.elapsed();
            if all_found(&z, &case.expected) {
                tally.zbar += 1;
                if !ours_ok {
                    tally.ours_missed_zbar_read += 1;
                }
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();

    println!("| class | severity | travelcert::scan | mean ms | zbarimg | mean ms (incl. process start) |");
    println!("|---|---|---|---|---|---|");
    let mut below = Vec::new();
    for (class, severity) in degrade::CLASSES {
        let t = &tallies[class];
        let rate = t.ours as f64 / t.total as f64;
        let ms = |d: Duration| d.as_secs_f64() * 1000.0 / t.total as f64;
        let zbar_cell = if zbar {
            format!("{}/{}", t.zbar, t.total)
        } else {
            "n/a".to_owned()
        };
        println!(
            "| {class} | {severity} | {}/{} | {:.1} | {zbar_cell} | {:.1} |",
            t.ours,
            t.total,
            ms(t.ours_time),
            ms(t.zbar_time)
        );
        let floor = KNOWN_GAPS
            .iter()
            .find(|(c, _, _)| c == class)
            .map_or(REQUIRED, |(_, f, _)| *f);
        if rate < floor {
            below.push(format!(
                "{class}: {:.0}% < {:.0}%",
                rate * 100.0,
                floor * 100.0
            ));
        }
        if t.ours_missed_zbar_read > 0 {
            println!(
                "  {class}: zbarimg read {} image(s) we missed",
                t.ours_missed_zbar_read
            );
        }
    }
    for (class, floor, why) in KNOWN_GAPS {
        println!(
            "known gap: {class} (asserted ≥ {:.0}%): {why}",
            floor * 100.0
        );
    }
    assert!(
        below.is_empty(),
        "classes below their bar: {below:?}; failures: {failures:?}"
    );
}

#[test]
fn set_is_deterministic_and_complete() {
    let a = degrade::degraded_set(2, 1);
    let b = degrade::degraded_set(2, 1);
    assert_eq!(a.len(), 2 * degrade::CLASSES.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.bytes, y.bytes);
        assert_eq!(x.expected, y.expected);
    }
    // The set is really degraded: no class hands in the clean rendering.
    let two = a.iter().find(|c| c.class == "two-codes").unwrap();
    assert_eq!(two.expected.len(), 2);
    assert_ne!(two.expected[0], two.expected[1]);
}

#[path = "degrade/hostile.rs"]
mod hostile;

/// Images built to make the decoder work as hard as possible (finder
/// patterns tiled by the thousand, decoy codes, checkerboards, noise, a sheet
/// of small codes) return promptly: the work is bounded by fixed counts,
/// asserted here through the scan's report; the time is only printed
/// (criterion measures it in `benches/qr.rs`, `scan/hostile_*`).
#[test]
fn hostile_images_do_bounded_work() {
    use travelcert::scan::{self, ScanOptions};
    let code = degrade::clean("TC1:HELLO", 2);
    let mut limited = 0;
    for h in hostile::hostile_set(&code) {
        let png = h.png();
        let start = Instant::now();
        let report = scan::scan_report(&png, &ScanOptions::default()).unwrap();
        println!(
            "{} ({} bytes PNG): {} code(s), {} pass(es), {} finder patterns, {} triples sampled, truncated {} in {:.2?}",
            h.name,
            png.len(),
            report.texts.len(),
            report.passes,
            report.finder_patterns,
            report.sets_sampled,
            report.truncated,
            start.elapsed()
        );
        assert!(report.passes <= 5, "{}", h.name);
        assert!(report.sets_sampled <= scan::MAX_SAMPLED_SETS, "{}", h.name);
        assert!(
            report.finder_patterns <= report.passes * 2 * scan::MAX_FINDER_PATTERNS,
            "{}",
            h.name
        );
        assert_eq!(report.decoder_failures, 0, "{}", h.name);
        if h.name.starts_with("many-codes") {
            assert_eq!(report.texts, vec!["TC1:HELLO".to_owned()], "{}", h.name);
        } else {
            assert!(report.texts.is_empty(), "{}: {:?}", h.name, report.texts);
        }
        if report.truncated {
            limited += 1;
        }
    }
    // The set really reaches the limits (else it tests nothing).
    assert!(
        limited >= 5,
        "only {limited} hostile images reached a limit"
    );
}

/// A real code is still read when the image around it is hostile but within
/// the limits: a code beside a block of tiled finder patterns.
#[test]
fn code_beside_hostile_texture_is_read() {
    let code = degrade::clean("TC1:HELLO", 4);
    let tiles = hostile::finder_tiles(300, 2);
    let mut img = image::GrayImage::from_pixel(
        code.width() + tiles.img.width() + 40,
        code.height().max(tiles.img.height()),
        image::Luma([255]),
    );
    image::imageops::overlay(&mut img, &tiles.img, 0, 0);
    image::imageops::overlay(&mut img, &code, i64::from(tiles.img.width()) + 40, 0);
    let png = degrade::png_bytes(&img);
    let report = travelcert::scan::scan_report(&png, &Default::default()).unwrap();
    assert_eq!(report.texts, vec!["TC1:HELLO".to_owned()]);
    assert!(report.finder_patterns > 100);
}

/// Sensor noise on flat paper, binarised against the local mean, is salt and
/// pepper full of 1:1:3:1:1 runs; the scan cross-checks none of them (their
/// grey levels barely differ) and takes none for a finder pattern, so a
/// photo costs about what a clean image of its size does.
#[test]
fn sensor_noise_makes_no_finder_patterns() {
    use travelcert::scan::{scan_grey_report, GreyImage, ScanOptions};
    let mut rng = degrade::Rng::new(7);
    let text = degrade::certificates(1, &mut rng).remove(0);
    for seed in 1..4 {
        let mut rng = degrade::Rng::new(seed);
        let photo = degrade::photo(&text, 1000, 1000, &mut rng);
        let grey = GreyImage::new(1000, 1000, photo.into_raw()).unwrap();
        let report = scan_grey_report(&grey, &ScanOptions::default());
        assert_eq!(report.texts, vec![text.clone()], "seed {seed}");
        assert_eq!(report.passes, 1, "seed {seed}");
        // The code's three, and no speckle.
        assert_eq!(report.finder_patterns, 3, "seed {seed}");

        // The same gradient and noise without a code: nothing in the fast
        // pass (the tolerant ones binarise the grey levels away).
        let fast = ScanOptions {
            fallbacks: false,
            ..ScanOptions::default()
        };
        let mut paper =
            image::GrayImage::from_fn(1000, 1000, |x, y| image::Luma([(80 + (x + y) / 16) as u8]));
        degrade::add_noise(&mut paper, 8.0, &mut rng);
        let grey = GreyImage::new(1000, 1000, paper.into_raw()).unwrap();
        let report = scan_grey_report(&grey, &fast);
        assert!(report.texts.is_empty(), "seed {seed}");
        assert_eq!(report.finder_patterns, 0, "seed {seed}");
    }
}
