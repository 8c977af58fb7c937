//! QR rendering and scanning of real certificates: render → scan round trips,
//! zbarimg as an independent reader, the size refusal, the card, and the CLI
//! (`issue --png/--svg/--card`, `render`, `verify --image`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use crate::common::{self, keygen, travelcert, workspace};

use travelcert::model::{AntibodyTest, Vaccination};
use travelcert::render::{self, CardOptions, EccLevel, RenderError, RenderOptions, Scale};
use travelcert::scan;

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("travelcert-qr-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn zbarimg_decodes_our_png_to_exactly_the_issued_text() {
    if Command::new("zbarimg").arg("--version").output().is_err() {
        eprintln!(
            "SKIPPED: zbarimg is not installed (Debian package zbar-tools; .ci/run installs it)"
        );
        return;
    }
    let text = common::issue(&common::sample());
    for ecc in [EccLevel::M, EccLevel::Q, EccLevel::H] {
        let options = RenderOptions {
            ecc,
            ..RenderOptions::default()
        };
        let path = tmp(&format!("sample-{ecc}.png"));
        std::fs::write(&path, render::png(&text, &options).unwrap()).unwrap();
        let out = Command::new("zbarimg")
            .args(["--quiet", "--raw"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(out.status.success(), "zbarimg failed on ECC {ecc}");
        // zbarimg ends the symbol with a newline.
        assert_eq!(String::from_utf8(out.stdout).unwrap(), format!("{text}\n"));
    }
}

#[test]
fn render_then_scan_round_trips_and_verifies() {
    let text = common::issue(&common::sample());
    let verifier = travelcert::verify::Verifier::new(common::store());
    for ecc in [EccLevel::L, EccLevel::M, EccLevel::Q, EccLevel::H] {
        for ppm in [2, 3, 8] {
            let options = RenderOptions {
                ecc,
                scale: Scale::PixelsPerModule(ppm),
                ..RenderOptions::default()
            };
            let m = render::matrix(&text, &options).unwrap();
            assert_eq!(m.width(), 17 + 4 * usize::from(m.version()));
            let found = scan::scan(&render::matrix_png(&m, &options).unwrap()).unwrap();
            assert_eq!(found, vec![text.clone()], "ECC {ecc}, {ppm} px");
        }
    }
    // The sample needs version 16 at ECC Q (docs/performance.md, certificate sizes).
    let m = render::matrix(&text, &RenderOptions::default()).unwrap();
    assert_eq!((m.version(), m.ecc()), (16, EccLevel::Q));
    // Coloured codes (dark blue on cream) still scan and still verify.
    let coloured = RenderOptions {
        dark: render::Rgb(20, 40, 110),
        light: render::Rgb(250, 245, 225),
        ..RenderOptions::default()
    };
    let found = scan::scan(&render::png(&text, &coloured).unwrap()).unwrap();
    assert_eq!(found, vec![text.clone()]);
    verifier
        .verify(&found[0], common::t(common::VERIFY_AT))
        .unwrap();
}

#[test]
fn issuing_with_rendering_refuses_a_certificate_that_does_not_fit() {
    let mut record = common::sample();
    let v = record.vaccinations[0].clone();
    let a = record.antibody_tests[0].clone();
    record.vaccinations = (1..=16u8)
        .map(|dose| Vaccination {
            dose,
            series_total: 16,
            ..v.clone()
        })
        .collect();
    record.antibody_tests = vec![AntibodyTest { ..a }; 16];
    let options = RenderOptions {
        max_version: 10,
        ..RenderOptions::default()
    };
    let err = render::issue_rendered(&common::issuer(), &record, &common::params(), &options)
        .unwrap_err();
    let characters = common::issue(&record).len();
    match &err {
        RenderError::TooLarge {
            characters: c,
            max_version,
            capacity,
            ..
        } => {
            assert_eq!((*c, *max_version), (characters, 10));
            assert_eq!(*capacity, render::capacity(10, EccLevel::Q).unwrap());
            assert!(characters > *capacity);
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    let message = err.to_string();
    assert!(message.contains(&characters.to_string()) && message.contains("version 10"));
    // With the default limit (25) the same record fits.
    let ok = render::issue_rendered(
        &common::issuer(),
        &record,
        &common::params(),
        &RenderOptions::default(),
    )
    .unwrap();
    assert!(ok.matrix.version() > 10 && ok.matrix.version() <= 25);
}

#[test]
fn card_shows_the_summary_beside_the_code() {
    let issued = common::issuer()
        .issue(&common::sample(), &common::params())
        .unwrap();
    let mut cert = issued.certificate.clone();
    let svg = render::card_svg(&cert, &issued.text, &CardOptions::default()).unwrap();
    for needle in [
        "王小明",
        "WANG, XIAOMING",
        "E12345678",
        "NAT SARS-CoV-2 RT-PCR: NEGATIVE",
        "sampled 2021-03-10 08:30 UTC",
        "Antibody IgG: NEGATIVE",
        "Vaccination SARS-CoV-2 dose 1/2: 2021-01-05",
        "Vaccination SARS-CoV-2 dose 2/2: 2021-01-26",
        "Issued by CN",
        "2021-03-12 12:00 UTC",
        "Noto Sans CJK SC",
        "Microsoft YaHei",
        "width=\"105mm\" height=\"148.0mm\"",
    ] {
        assert!(svg.contains(needle), "card lacks {needle:?}");
    }
    // The card's QR path is exactly the code's.
    let m = render::matrix(&issued.text, &RenderOptions::default()).unwrap();
    let plain = render::matrix_svg(&m, &RenderOptions::default()).unwrap();
    let path_of = |s: &str| {
        s.split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(path_of(&svg), path_of(&plain));
    // Text from the record is escaped, never markup.
    cert.record.holder.native_name = Some("<script>&\"".to_owned());
    let svg = render::card_svg(&cert, &issued.text, &CardOptions::default()).unwrap();
    assert!(svg.contains("&lt;script&gt;&amp;&quot;") && !svg.contains("<script>"));
    // Many entries: the card grows taller instead of shrinking the type.
    let v = cert.record.vaccinations[0].clone();
    cert.record.vaccinations = vec![v; 16];
    let tall = render::card_svg(&cert, &issued.text, &CardOptions::default()).unwrap();
    assert!(!tall.contains("height=\"148.0mm\""));
}

#[test]
fn cli_issue_render_and_verify_image_end_to_end() {
    let dir = workspace("qr-cli");
    keygen(&dir, "CN");
    let p = |f: &str| dir.join(f).display().to_string();
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/traveller.json");
    let out = travelcert(&[
        "issue",
        "--key",
        &p("issuer.key.pem"),
        "--issuer",
        "CN",
        "--png",
        &p("cert.png"),
        "--svg",
        &p("cert.svg"),
        "--card",
        &p("card.svg"),
        sample,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(String::from_utf8_lossy(&out.stderr).contains("QR version 16"));
    assert!(std::fs::read_to_string(p("cert.svg"))
        .unwrap()
        .starts_with("<?xml"));
    assert!(std::fs::read_to_string(p("card.svg"))
        .unwrap()
        .contains("E12345678"));

    // verify --image: scan, then verify every code found.
    let out = travelcert(&[
        "verify",
        "--trust",
        &p("trust.json"),
        "--image",
        &p("cert.png"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 1);
    assert_eq!(json[0]["text"], text.as_str());
    assert_eq!(json[0]["valid"], true);
    assert_eq!(
        json[0]["result"]["certificate"]["record"]["holder"]["document_number"],
        "E12345678"
    );

    // render TEXT --png, as JPEG-free PNG: scans back to the text.
    let out = travelcert(&["render", &text, "--png", &p("render.png"), "--ecc", "H"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(p("render.png")).unwrap();
    assert_eq!(scan::scan(&png).unwrap(), vec![text.clone()]);
    // render to the terminal: half blocks, 2 module rows per line.
    let out = travelcert(&["render", &text, "--terminal"]);
    let term = String::from_utf8(out.stdout).unwrap();
    assert_eq!(term.lines().count(), (81usize + 8).div_ceil(2));
    // Not alphanumeric: usage error.
    assert_eq!(travelcert(&["render", "tc1:lower"]).status.code(), Some(2));

    // A code signed by a key the trust store does not hold: exit 1, named error.
    let other = common::issue(&common::sample());
    std::fs::write(
        p("other.png"),
        render::png(&other, &RenderOptions::default()).unwrap(),
    )
    .unwrap();
    let out = travelcert(&[
        "verify",
        "--trust",
        &p("trust.json"),
        "--image",
        &p("other.png"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("UnknownKid"));
    // An image without a code: exit 1; not an image: exit 2.
    let blank = render::png("TC1:", &RenderOptions::default()).unwrap();
    let img = image::load_from_memory(&blank).unwrap().to_luma8();
    let white = image::GrayImage::from_pixel(img.width(), img.height(), image::Luma([255]));
    white.save(p("blank.png")).unwrap();
    assert_eq!(
        travelcert(&[
            "verify",
            "--trust",
            &p("trust.json"),
            "--image",
            &p("blank.png")
        ])
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        travelcert(&[
            "verify",
            "--trust",
            &p("trust.json"),
            "--image",
            &p("trust.json")
        ])
        .status
        .code(),
        Some(2)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
