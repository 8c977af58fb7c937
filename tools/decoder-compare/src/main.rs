//! Decoder comparison on travelcert's degraded set (tests/degrade): rqrr alone,
//! travelcert::scan (rqrr + fallback passes) and rxing (ZXing port, QR only,
//! TryHarder, AlsoInverted). Run: `cargo run --release` in this directory.
#![allow(clippy::unwrap_used)]

#[path = "../../../tests/degrade/mod.rs"]
mod degrade;

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use rxing::{BarcodeFormat, DecodeHints};

fn rqrr_once(img: &image::GrayImage) -> Vec<String> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut p = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| img.get_pixel(x as u32, y as u32).0[0]);
    p.detect_grids().into_iter().filter_map(|g| g.decode().ok().map(|(_, t)| t)).collect()
}

fn rxing_multi(img: &image::GrayImage) -> Vec<String> {
    let mut hints = DecodeHints::default();
    hints.PossibleFormats = Some(HashSet::from([BarcodeFormat::QR_CODE]));
    hints.TryHarder = Some(true);
    hints.AlsoInverted = Some(true);
    rxing::helpers::detect_multiple_in_luma_with_hints(img.as_raw().clone(), img.width(), img.height(), &mut hints)
        .map(|v| v.into_iter().map(|r| r.getText().to_owned()).collect())
        .unwrap_or_default()
}

fn ok(found: &[String], expected: &[String]) -> bool {
    expected.iter().all(|e| found.contains(e))
}

fn main() {
    let per_class: usize = std::env::args().nth(1).map_or(12, |s| s.parse().unwrap());
    let cases = degrade::degraded_set(per_class, 0x7c1_5ca7);
    type Dec = (&'static str, fn(&image::GrayImage) -> Vec<String>);
    let decoders: [Dec; 3] = [
        ("rqrr (one pass)", rqrr_once),
        ("travelcert::scan", |img| {
            let g = travelcert::scan::GreyImage::new(img.width(), img.height(), img.as_raw().clone()).unwrap();
            travelcert::scan::scan_grey(&g, &Default::default())
        }),
        ("rxing 0.9 (QR, TryHarder, AlsoInverted)", rxing_multi),
    ];
    let mut table: BTreeMap<(&str, &str), (usize, usize, Duration)> = BTreeMap::new();
    for case in &cases {
        let img = image::load_from_memory(&case.bytes).unwrap().to_luma8();
        for (name, f) in &decoders {
            let start = Instant::now();
            let found = f(&img);
            let t = start.elapsed();
            let e = table.entry((case.class, name)).or_default();
            e.0 += usize::from(ok(&found, &case.expected));
            e.1 += 1;
            e.2 += t;
        }
    }
    println!("| class | {} |", decoders.iter().map(|d| d.0).collect::<Vec<_>>().join(" | "));
    println!("|---|{}", "---|".repeat(decoders.len()));
    for (class, _) in degrade::CLASSES {
        let cells: Vec<String> = decoders
            .iter()
            .map(|(n, _)| {
                let (s, t, d) = table[&(*class, *n)];
                format!("{s}/{t}, {:.1} ms", d.as_secs_f64() * 1000.0 / t as f64)
            })
            .collect();
        println!("| {class} | {} |", cells.join(" | "));
    }
    // The speed goal: a clean 1000×1000 image.
    let mut rng = degrade::Rng::new(5);
    let text = &degrade::certificates(1, &mut rng)[0];
    let code = degrade::clean(text, 8);
    let mut big = image::GrayImage::from_pixel(1000, 1000, image::Luma([255]));
    image::imageops::overlay(&mut big, &code, 100, 100);
    for (name, f) in &decoders {
        let n = 20;
        let start = Instant::now();
        for _ in 0..n {
            assert!(ok(&f(&big), std::slice::from_ref(text)), "{name}");
        }
        println!("clean 1000×1000, {name}: {:.2} ms", start.elapsed().as_secs_f64() * 1000.0 / n as f64);
    }
}
