//! The printed card in several languages, and as PDF: `issue --card-pdf`,
//! `render --pdf`. The PDF checks need poppler-utils (`pdftotext`,
//! `pdftoppm`) and a CJK font (`fonts-noto-cjk`); `.ci/run` installs them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

use crate::common::{self, keygen, ok, travelcert, workspace};

use travelcert::render::{self, CardLanguage, CardOptions};

fn tool(program: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program}: {e} (apt-get install poppler-utils fonts-noto-cjk)")
        });
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The PDF's text, as `pdftotext` extracts it (lines joined by spaces).
fn pdf_text(pdf: &Path) -> String {
    tool("pdftotext", &[pdf.as_os_str(), "-".as_ref()])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rasterises the PDF's page at 200 dpi and returns the PNG's path.
fn rasterise(pdf: &Path) -> std::path::PathBuf {
    let prefix = pdf.with_extension("");
    tool(
        "pdftoppm",
        &[
            "-r".as_ref(),
            "200".as_ref(),
            "-png".as_ref(),
            "-singlefile".as_ref(),
            pdf.as_os_str(),
            prefix.as_os_str(),
        ],
    );
    prefix.with_extension("png")
}

#[test]
fn bilingual_labels_with_names_as_they_are() {
    let issued = common::issuer()
        .issue(&common::sample(), &common::params())
        .unwrap();
    let options = CardOptions {
        languages: vec![CardLanguage::Zh, CardLanguage::En],
        ..CardOptions::default()
    };
    let svg = render::card_svg(&issued.certificate, &issued.text, &options).unwrap();
    for needle in [
        "国际旅行健康证明 / Travel health",
        "王小明",
        "WANG, XIAOMING",
        "性别 / Sex M",
        "核酸检测 / NAT SARS-CoV-2 RT-PCR: 阴性 / NEGATIVE",
        "抗体检测 / Antibody IgG: 阴性 / NEGATIVE",
        "Dr. Essa Laboratory (PK)",
        "有效期至 / Valid until 2021-03-12 12:00 UTC",
    ] {
        assert!(svg.contains(needle), "card lacks {needle:?}");
    }
    // Every UN language has its own labels; English alone is the default.
    for language in CardLanguage::ALL {
        let options = CardOptions {
            languages: vec![language],
            ..CardOptions::default()
        };
        let svg = render::card_svg(&issued.certificate, &issued.text, &options).unwrap();
        assert!(svg.contains("王小明") && svg.contains("E12345678"));
        let english = svg.contains("Valid until");
        assert_eq!(english, language == CardLanguage::En, "{language}");
    }
}

#[test]
fn text_that_does_not_fit_wraps_inside_the_card() {
    let issued = common::issuer()
        .issue(&common::sample(), &common::params())
        .unwrap();
    let mut cert = issued.certificate.clone();
    // 60 CJK characters with no space: far wider than the card.
    cert.record.holder.native_name = Some("王".repeat(60));
    cert.record.vaccinations[0].centre.name = "Centre".repeat(20);
    let svg = render::card_svg(&cert, &issued.text, &CardOptions::default()).unwrap();
    let lines: Vec<&str> = svg
        .lines()
        .filter(|l| l.starts_with("<text x=\"6\""))
        .collect();
    let wang_lines = lines.iter().filter(|l| l.contains("王王王")).count();
    assert!(wang_lines >= 3, "the long name is split over lines");
    let total: usize = lines.iter().map(|l| l.matches('王').count()).sum();
    assert_eq!(total, 60, "nothing is lost when wrapping");
    assert!(lines.iter().filter(|l| l.contains("CentreCentre")).count() >= 2);
}

#[test]
fn issue_card_pdf_scans_back_and_shows_both_names() {
    let dir = workspace("card-pdf");
    keygen(&dir, "CN");
    let p = |f: &str| dir.join(f);
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/traveller.json");
    let out = travelcert(&[
        "issue",
        "--key",
        p("issuer.key.pem").to_str().unwrap(),
        "--issuer",
        "CN",
        "--card-pdf",
        p("card.pdf").to_str().unwrap(),
        "--card-lang",
        "zh,en",
        sample,
    ]);
    ok(&out);
    let text = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let pdf = std::fs::read(p("card.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let words = pdf_text(&p("card.pdf"));
    for needle in ["王小明", "WANG, XIAOMING", "阴性 / NEGATIVE", "E12345678"] {
        assert!(
            words.contains(needle),
            "pdftotext lacks {needle:?}: {words}"
        );
    }
    // Fonts are embedded (pdffonts: the "emb" column).
    let fonts = tool("pdffonts", &[p("card.pdf").as_os_str()]);
    let embedded: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!embedded.is_empty());
    assert!(
        embedded.iter().all(|l| l.contains(" yes yes ")),
        "every font embedded and subset: {fonts}"
    );
    // Printed and scanned: the page, rasterised, reads back to the text.
    let png = rasterise(&p("card.pdf"));
    let scanned = travelcert::scan::scan(&std::fs::read(&png).unwrap()).unwrap();
    assert_eq!(scanned, vec![text.clone()]);

    // `render --pdf` makes the same card from the text, on A4.
    let out = travelcert(&[
        "render",
        &text,
        "--pdf",
        p("a4.pdf").to_str().unwrap(),
        "--card-paper",
        "a4",
        "--card-lang",
        "fr,en",
    ]);
    ok(&out);
    let size = tool("pdfinfo", &[p("a4.pdf").as_os_str()]);
    assert!(size.contains("595.") && size.contains("841."), "A4: {size}");
    let words = pdf_text(&p("a4.pdf"));
    assert!(
        words.contains("NÉGATIF / NEGATIVE") && words.contains("王小明"),
        "{words}"
    );
    let png = rasterise(&p("a4.pdf"));
    let scanned = travelcert::scan::scan(&std::fs::read(&png).unwrap()).unwrap();
    assert_eq!(scanned, vec![text]);
}

#[test]
fn card_flags_are_checked_before_anything_is_issued() {
    let dir = workspace("card-flags");
    keygen(&dir, "CN");
    let key = dir.join("issuer.key.pem");
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/traveller.json");
    let pdf = dir.join("card.pdf");
    for (flag, value, says) in [
        ("--card-lang", "zh,de", "no card labels for language \"de\""),
        ("--card-paper", "letter", "--card-paper must be a6 or a4"),
    ] {
        let out = travelcert(&[
            "issue",
            "--key",
            key.to_str().unwrap(),
            "--issuer",
            "CN",
            "--card-pdf",
            pdf.to_str().unwrap(),
            flag,
            value,
            sample,
        ]);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(says));
        assert!(out.stdout.is_empty() && !pdf.exists());
    }
}
