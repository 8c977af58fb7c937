//! Allocation bound: a counting global allocator (this test binary only)
//! measures what `Verifier::verify` allocates for every corpus input
//! (tests/malformed/cases.rs), every test vector, and the zlib bombs.
//!
//! The bound, for every input: verifying it keeps at most [`PEAK_BOUND`] =
//! 256 KiB live at any moment and allocates at most [`TOTAL_BOUND`] = 512 KiB
//! in all, not counting the decoded body (the input itself in binary form, 2/3
//! of the text's length; at most 2,864 bytes for a QR-sized text of 4,296
//! characters). The cap on the COSE size (64 KiB by default, compressed or
//! not) is the largest single term. For the QR-sized inputs the bounds hold
//! absolutely, body included.
//!
//! A 4 GiB zlib bomb cannot fit a QR code (deflate's best ratio is 1032:1, so
//! its body has 4 MiB): inflation stops at the cap, and beyond its 4 MiB body
//! it stays under the same bounds.
#![allow(clippy::unwrap_used, clippy::expect_used, unsafe_code)]

#[path = "malformed/cases.rs"]
mod cases;
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use common::*;
use travelcert::verify::Verifier;

/// Peak live bytes allowed while verifying one input.
const PEAK_BOUND: usize = 256 * 1024;
/// Total bytes allowed to be allocated while verifying one input.
const TOTAL_BOUND: usize = 512 * 1024;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static TOTAL: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
    TOTAL.fetch_add(by, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            CURRENT.fetch_sub(layout.size(), Relaxed);
            grew(new_size);
        }
        p
    }
}

#[global_allocator]
static A: Counting = Counting;

#[derive(Debug, Clone, Copy)]
struct Usage {
    peak: usize,
    total: usize,
}

/// Runs `f` and reports the peak live bytes above the starting level and the
/// total bytes allocated meanwhile. The test binary runs one test function, so
/// no other thread allocates in between.
fn measure<T>(f: impl FnOnce() -> T) -> (T, Usage) {
    let base = CURRENT.load(Relaxed);
    PEAK.store(base, Relaxed);
    let total = TOTAL.load(Relaxed);
    let out = f();
    let usage = Usage {
        peak: PEAK.load(Relaxed) - base,
        total: TOTAL.load(Relaxed) - total,
    };
    (out, usage)
}

#[test]
fn verifying_any_input_stays_under_the_bound() {
    let mut inputs: Vec<(String, String, travelcert::trust::TrustStore)> = cases::corpus(false)
        .into_iter()
        .map(|c| (c.name.to_owned(), c.text, c.store.unwrap_or_else(store)))
        .collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue; // e.g. tests/vectors/encrypted/, which has its own format
        }
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let store =
            travelcert::trust::TrustStore::from_json(v["trust_store"].to_string().as_bytes())
                .unwrap();
        inputs.push((
            path.file_name().unwrap().to_string_lossy().into_owned(),
            v["qr_text"].as_str().unwrap().to_owned(),
            store,
        ));
    }
    let mut worst = Usage { peak: 0, total: 0 };
    let mut worst_names = (String::new(), String::new());
    let mut qr_sized = 0;
    for (name, text, store) in &inputs {
        let body_len = travelcert::codec::text_to_body(text).map_or(0, |b| b.len());
        let verifier = Verifier::new(store.clone());
        let (result, usage) = measure(|| verifier.verify(text, t(VERIFY_AT)).map(drop));
        drop(result);
        if text.len() <= 4296 {
            qr_sized += 1;
            assert!(usage.peak <= PEAK_BOUND, "{name}: {usage:?}");
            assert!(usage.total <= TOTAL_BOUND, "{name}: {usage:?}");
        }
        let usage = Usage {
            peak: usage.peak - body_len,
            total: usage.total - body_len,
        };
        assert!(
            usage.peak <= PEAK_BOUND,
            "{name}: {usage:?} beyond the body"
        );
        assert!(
            usage.total <= TOTAL_BOUND,
            "{name}: {usage:?} beyond the body"
        );
        if usage.peak > worst.peak {
            worst.peak = usage.peak;
            worst_names.0 = name.clone();
        }
        if usage.total > worst.total {
            worst.total = usage.total;
            worst_names.1 = name.clone();
        }
    }
    assert!(qr_sized > 90);
    println!(
        "{} inputs ({qr_sized} QR-sized); beyond the body: worst peak {} bytes ({}), worst total {} bytes ({})",
        inputs.len(),
        worst.peak,
        worst_names.0,
        worst.total,
        worst_names.1
    );

    // The gigabyte bomb: beyond its own decoded body, the same bounds hold.
    let text = cases::text_raw(&cases::zlib_bomb(cases::BOMB_MIB));
    let body_len = travelcert::codec::base45::decode(&text[4..]).unwrap().len();
    let verifier = Verifier::new(store());
    let (result, usage) = measure(|| verifier.verify(&text, t(VERIFY_AT)).map(drop));
    assert_eq!(result.unwrap_err().name(), "InflateLimitExceeded");
    let beyond = Usage {
        peak: usage.peak - body_len,
        total: usage.total - body_len,
    };
    println!("4 GiB bomb: body {body_len} bytes; beyond it {beyond:?}");
    assert!(beyond.peak <= PEAK_BOUND, "{beyond:?}");
    assert!(beyond.total <= TOTAL_BOUND, "{beyond:?}");
}
