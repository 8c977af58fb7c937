//! Render and scan benchmarks. `cargo bench --features render,scan,issue --bench qr`
//! (quick: `-- --warm-up-time 1 --measurement-time 3`).
//!
//! `render/stages/*` splits text → matrix into the `qrcode` crate's steps to
//! show where the time goes: data bits and Reed–Solomon codewords, drawing the
//! canvas, and choosing the mask (all 8 masks applied and scored) versus
//! applying one fixed mask.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

#[path = "../tests/degrade/hostile.rs"]
mod hostile;

#[path = "../tests/degrade/mod.rs"]
mod degrade;

use criterion::{criterion_group, criterion_main, Criterion};
use travelcert::issue::{Ed25519Signer, IssueParams, Issuer};
use travelcert::model::{CertificateId, CountryCode, HealthRecord, Timestamp};
use travelcert::render::{self, RenderOptions};

fn sample_text() -> String {
    let record: HealthRecord =
        serde_json::from_str(include_str!("../examples/data/traveller.json")).unwrap();
    let issuer = Issuer::new(
        Ed25519Signer::from_seed(&[7; 32]),
        CountryCode::new("CN").unwrap(),
    );
    let params = IssueParams::new(Timestamp::from_unix(1_615_377_600).unwrap(), 48 * 3600)
        .with_id(CertificateId::new(&[1, 2, 3, 4, 5, 6, 7, 8]).unwrap());
    issuer.issue(&record, &params).unwrap().text
}

fn render_benches(c: &mut Criterion) {
    let text = sample_text();
    let options = RenderOptions::default();
    c.bench_function("render/text_to_matrix", |b| {
        b.iter(|| render::matrix(black_box(&text), &options).unwrap())
    });
    c.bench_function("render/text_to_png_8px", |b| {
        b.iter(|| render::png(black_box(&text), &options).unwrap())
    });
    c.bench_function("render/text_to_svg", |b| {
        b.iter(|| render::svg(black_box(&text), &options).unwrap())
    });
    let m = render::matrix(&text, &options).unwrap();
    c.bench_function("render/matrix_to_png_8px", |b| {
        b.iter(|| render::matrix_png(black_box(&m), &options).unwrap())
    });

    // Where text → matrix spends its time (the qrcode crate's steps).
    use qrcode::bits::Bits;
    use qrcode::canvas::{Canvas, MaskPattern};
    use qrcode::{EcLevel, Version};
    let version = Version::Normal(i16::from(m.version()));
    let bits = || {
        let mut bits = Bits::new(version);
        bits.push_alphanumeric_data(text.as_bytes()).unwrap();
        bits.push_terminator(EcLevel::Q).unwrap();
        bits.into_bytes()
    };
    c.bench_function("render/stages/bits_and_ec", |b| {
        b.iter(|| qrcode::ec::construct_codewords(&bits(), version, EcLevel::Q).unwrap())
    });
    let (data, ec) = qrcode::ec::construct_codewords(&bits(), version, EcLevel::Q).unwrap();
    let drawn = || {
        let mut canvas = Canvas::new(version, EcLevel::Q);
        canvas.draw_all_functional_patterns();
        canvas.draw_data(&data, &ec);
        canvas
    };
    c.bench_function("render/stages/draw", |b| b.iter(|| black_box(drawn())));
    let canvas = drawn();
    c.bench_function("render/stages/best_mask_of_8", |b| {
        b.iter(|| black_box(canvas.apply_best_mask()))
    });
    c.bench_function("render/stages/one_fixed_mask", |b| {
        b.iter(|| {
            let mut c = canvas.clone();
            c.apply_mask(MaskPattern::Checkerboard);
            black_box(c)
        })
    });
}

fn scan_benches(c: &mut Criterion) {
    let text = sample_text();
    // The goal's case: a 1000×1000 image holding the sample at 8 px/module.
    let png = render::png(&text, &RenderOptions::default()).unwrap();
    let code = image::load_from_memory(&png).unwrap().to_luma8();
    let mut big = image::GrayImage::from_pixel(1000, 1000, image::Luma([255]));
    image::imageops::overlay(&mut big, &code, 120, 80);
    let grey = travelcert::scan::GreyImage::new(1000, 1000, big.as_raw().clone()).unwrap();
    let mut big_png = Vec::new();
    big.write_to(
        &mut std::io::Cursor::new(&mut big_png),
        image::ImageFormat::Png,
    )
    .unwrap();
    assert_eq!(
        travelcert::scan::scan(&big_png).unwrap(),
        vec![text.clone()]
    );
    c.bench_function("scan/grey_1000x1000", |b| {
        b.iter(|| travelcert::scan::scan_grey(black_box(&grey), &Default::default()))
    });
    c.bench_function("scan/png_1000x1000_incl_decode", |b| {
        b.iter(|| travelcert::scan::scan(black_box(&big_png)).unwrap())
    });
    c.bench_function("scan/png_sample_8px", |b| {
        b.iter(|| travelcert::scan::scan(black_box(&png)).unwrap())
    });
    // A photo-like 1000×1000 image: gradient, sensor noise, the code tilted
    // on white paper over 20% of the area (the robustness set's
    // small-in-photo class, at 1 megapixel).
    let photo = degrade::photo(&text, 1000, 1000, &mut degrade::Rng::new(7));
    let photo = travelcert::scan::GreyImage::new(1000, 1000, photo.into_raw()).unwrap();
    assert_eq!(
        travelcert::scan::scan_grey(&photo, &Default::default()),
        vec![text.clone()]
    );
    c.bench_function("scan/photo_1000x1000", |b| {
        b.iter(|| travelcert::scan::scan_grey(black_box(&photo), &Default::default()))
    });

    // Hostile images (tiled finder patterns, decoy codes: the work bound in
    // `travelcert::scan`), to compare with `scan/png_1000x1000_incl_decode`.
    let mut group = c.benchmark_group("scan/hostile");
    group.sample_size(10);
    for h in [
        hostile::finder_tiles(1200, 1),
        hostile::finder_tiles(2400, 1),
        hostile::decoy_codes(2400, 3, 2),
    ] {
        let bytes = h.png();
        assert!(travelcert::scan::scan(&bytes).unwrap().is_empty());
        group.bench_function(&h.name, |b| {
            b.iter(|| travelcert::scan::scan(black_box(&bytes)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, render_benches, scan_benches);
criterion_main!(benches);
