//! `travelcert verify --shc-issuer` and `inspect` on SMART Health Cards:
//! the mapped certificate with `"format": "shc"` (exit 0), chunks given as
//! several texts or lines, the `.smart-health-card` file form, `--policy`,
//! a missing chunk (exit 1), `--shc-crl`, a bare key set refused once a
//! root is configured (exit 2) and the key set inside a signed trust list.

use serde_json::Value;

use crate::common::*;

const ISSUER: &str = "https://spec.smarthealth.cards/examples/issuer";
const AT: &str = "2025-01-01T00:00:00Z";

fn example(name: &str) -> String {
    std::fs::read_to_string(repo(&format!("tests/interop/shc/examples/{name}")))
        .unwrap()
        .trim()
        .to_owned()
}

fn issuer_arg() -> String {
    format!(
        "{ISSUER}={}",
        repo("tests/interop/shc/examples/issuer/jwks.json")
    )
}

#[test]
fn verify_a_qr_text_prints_the_mapped_certificate() {
    let text = example("example-00-f-qr-code-numeric-value-0.txt");
    let issuer = issuer_arg();
    let out = ok(&travelcert(&[
        "verify",
        "--shc-issuer",
        &issuer,
        "--at",
        AT,
        &text,
    ]));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["format"], "shc");
    assert_eq!(json["issuer"]["url"], ISSUER);
    assert_eq!(
        json["certificate"]["record"]["holder"]["primary_name"],
        "Anyperson"
    );
    assert_eq!(
        json["certificate"]["record"]["vaccinations"][0]["product"],
        "mRNA-1273"
    );
    assert_eq!(json["payload"]["iss"], ISSUER);
    // Tampered signature: exit 1 with the error's name.
    let mut bad = text.into_bytes();
    let n = bad.len();
    bad[n - 4..].copy_from_slice(b"1010");
    let out = travelcert(&[
        "verify",
        "--shc-issuer",
        &issuer,
        "--at",
        AT,
        &String::from_utf8(bad).unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("invalid: Shc"), "{}", stderr(&out));
    // inspect says shc too.
    let out = ok(&travelcert(&[
        "inspect",
        &example("example-00-f-qr-code-numeric-value-0.txt"),
    ]));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (json["format"].as_str(), json["verified"].as_bool()),
        (Some("shc"), Some(false))
    );
}

#[test]
fn chunks_as_texts_or_lines_and_the_file_form() {
    let dir = workspace("shc-chunks");
    let issuer = issuer_arg();
    let c: Vec<String> = (0..3)
        .map(|i| example(&format!("example-02-f-qr-code-numeric-value-{i}.txt")))
        .collect();
    let out = ok(&travelcert(&[
        "verify",
        "--shc-issuer",
        &issuer,
        "--at",
        AT,
        &c[2],
        &c[0],
        &c[1],
    ]));
    assert!(out.contains("\"format\": \"shc\""), "{out}");
    let lines = dir.join("chunks.txt");
    std::fs::write(&lines, format!("{}\n{}\n{}\n", c[1], c[2], c[0])).unwrap();
    ok(&travelcert(&[
        "verify",
        "--shc-issuer",
        &issuer,
        "--at",
        AT,
        "--text-file",
        &arg(&lines),
    ]));
    let out = ok(&travelcert(&["inspect", &c[1], &c[0], &c[2]]));
    assert!(out.contains("\"format\": \"shc\""), "{out}");
    // A chunk missing: invalid (exit 1), not a usage error.
    let out = travelcert(&["verify", "--shc-issuer", &issuer, "--at", AT, &c[0], &c[2]]);
    fails_with(&out, 1, "ShcChunkMissing");
    // The file form, detected from its content.
    let file = repo("tests/interop/shc/examples/example-00-e-file.smart-health-card");
    let out = ok(&travelcert(&[
        "verify",
        "--shc-issuer",
        &issuer,
        "--at",
        AT,
        "--text-file",
        &file,
    ]));
    assert!(out.contains("\"format\": \"shc\""), "{out}");
    // Two cards in one file: one entry each.
    let multi =
        repo("tests/interop/shc/negative/test-example-00-e-file-multi-jws.smart-health-card");
    let out = ok(&travelcert(&[
        "verify",
        "--shc-issuer",
        &issuer,
        "--at",
        AT,
        "--text-file",
        &multi,
    ]));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
    // A wrong extension is only a warning.
    let wrong = repo("tests/interop/shc/negative/test-example-00-e-file.wrong-extension");
    let out = travelcert(&[
        "verify",
        "--shc-issuer",
        &issuer,
        "--at",
        AT,
        "--text-file",
        &wrong,
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains(".smart-health-card"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn policies_revocation_and_roots() {
    let dir = workspace("shc-policy");
    let issuer = issuer_arg();
    let text = example("example-03-f-qr-code-numeric-value-0.txt");
    // A rule needing a test: refused with a reason, never accepted.
    for policy in ["recent-negative-nat.json", "vaccination-only.json"] {
        let policy = repo(&format!("examples/policies/{policy}"));
        let out = travelcert(&[
            "verify",
            "--shc-issuer",
            &issuer,
            "--at",
            AT,
            "--policy",
            &policy,
            &text,
        ]);
        assert!(matches!(out.status.code(), Some(3 | 4)), "{}", stderr(&out));
        assert!(!stderr(&out).is_empty());
    }
    // The issuer's own revocation list does not revoke 03 (its entry predates nbf) ...
    let crl = repo(
        "tests/interop/shc/examples/issuer/crl-3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s.json",
    );
    ok(&travelcert(&[
        "verify",
        "--shc-issuer",
        &issuer,
        "--shc-crl",
        &crl,
        "--at",
        AT,
        &text,
    ]));
    // ... an edited one does.
    let edited = dir.join("crl.json");
    let list = std::fs::read_to_string(&crl)
        .unwrap()
        .replace("vwAjHdarZuc.1664492124", "vwAjHdarZuc");
    std::fs::write(&edited, list).unwrap();
    let out = travelcert(&[
        "verify",
        "--shc-issuer",
        &issuer,
        "--shc-crl",
        &arg(&edited),
        "--at",
        AT,
        &text,
    ]);
    fails_with(&out, 1, "ShcRevoked");
    // With a root configured, a bare key set is refused.
    keygen(&dir.join("keys"), "CN");
    let out = travelcert(&[
        "verify",
        "--shc-issuer",
        &issuer,
        "--root",
        &arg(&dir.join("keys/issuer.pub.pem")),
        "--state-dir",
        &arg(&dir.join("state")),
        "--at",
        AT,
        &text,
    ]);
    fails_with(&out, 2, "TrustUnsignedRefused");
    // ... and the same key set inside a trust list that root signs verifies.
    let listed = format!(
        "US,{ISSUER}={}",
        repo("tests/interop/shc/examples/issuer/jwks.json")
    );
    let list = dir.join("list.cose");
    ok(&travelcert(&[
        "trust",
        "sign",
        "--root-key",
        &arg(&dir.join("keys/issuer.key.pem")),
        "--shc-issuer",
        &listed,
        "--sequence",
        "1",
        "--issued-at",
        "2024-12-15T00:00:00Z",
        "--out",
        &arg(&list),
    ]));
    let out = ok(&travelcert(&[
        "verify",
        "--trust",
        &arg(&list),
        "--root",
        &arg(&dir.join("keys/issuer.pub.pem")),
        "--state-dir",
        &arg(&dir.join("state")),
        "--at",
        AT,
        &text,
    ]));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["format"], "shc");
    // The edited revocation list, signed into the next list with its issuer.
    let list2 = dir.join("list2.cose");
    ok(&travelcert(&[
        "trust",
        "sign",
        "--root-key",
        &arg(&dir.join("keys/issuer.key.pem")),
        "--shc-issuer",
        &listed,
        "--shc-crl",
        &arg(&edited),
        "--sequence",
        "2",
        "--issued-at",
        "2024-12-15T00:00:00Z",
        "--out",
        &arg(&list2),
    ]));
    let out = travelcert(&[
        "verify",
        "--trust",
        &arg(&list2),
        "--root",
        &arg(&dir.join("keys/issuer.pub.pem")),
        "--state-dir",
        &arg(&dir.join("state")),
        "--at",
        AT,
        &text,
    ]);
    fails_with(&out, 1, "ShcRevoked");
    // A root scoped to other countries cannot vouch for a US issuer.
    let out = travelcert(&[
        "verify",
        "--trust",
        &arg(&list),
        "--root",
        &format!("CA={}", arg(&dir.join("keys/issuer.pub.pem"))),
        "--state-dir",
        &arg(&dir.join("state-ca")),
        "--at",
        AT,
        &text,
    ]);
    fails_with(&out, 2, "ListKeyOutOfScope");
}

/// A PNG with these QR codes side by side (segments chosen by `qrcode`:
/// byte mode for `shc:/…/`, numeric mode for the digits).
fn codes_png(texts: &[String]) -> Vec<u8> {
    let scale = 4;
    let codes: Vec<qrcode::QrCode> = texts
        .iter()
        .map(|t| {
            qrcode::QrCode::with_error_correction_level(t.as_bytes(), qrcode::EcLevel::L).unwrap()
        })
        .collect();
    let side = codes.iter().map(|c| c.width()).max().unwrap() + 8;
    let mut img = image::GrayImage::from_pixel(
        (side * scale * codes.len()) as u32,
        (side * scale) as u32,
        image::Luma([255]),
    );
    for (n, code) in codes.iter().enumerate() {
        let w = code.width();
        for (i, color) in code.to_colors().iter().enumerate() {
            if *color == qrcode::Color::Dark {
                let (x, y) = (i % w + 4 + n * side, i / w + 4);
                for dx in 0..scale {
                    for dy in 0..scale {
                        img.put_pixel(
                            (x * scale + dx) as u32,
                            (y * scale + dy) as u32,
                            image::Luma([0]),
                        );
                    }
                }
            }
        }
    }
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    png
}

#[test]
fn verify_image_assembles_every_chunk_in_one_image() {
    let dir = workspace("shc-image");
    let chunks: Vec<String> = [2, 0, 1]
        .iter()
        .map(|i| example(&format!("example-02-f-qr-code-numeric-value-{i}.txt")))
        .collect();
    let found = travelcert::scan::scan(&codes_png(&chunks)).unwrap();
    let mut sorted = found.clone();
    sorted.sort();
    let mut expected = chunks.clone();
    expected.sort();
    assert_eq!(
        sorted, expected,
        "the scanner returns every chunk, numeric mode included"
    );
    let png = dir.join("chunks.png");
    std::fs::write(&png, codes_png(&chunks)).unwrap();
    let issuer = issuer_arg();
    let out = ok(&travelcert(&[
        "verify",
        "--shc-issuer",
        &issuer,
        "--at",
        AT,
        "--image",
        &arg(&png),
    ]));
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json[0]["valid"], true);
    assert_eq!(json[0]["result"]["format"], "shc");
    // Two of the three chunks: invalid, exit 1.
    std::fs::write(&png, codes_png(&chunks[..2])).unwrap();
    let out = travelcert(&[
        "verify",
        "--shc-issuer",
        &issuer,
        "--at",
        AT,
        "--image",
        &arg(&png),
    ]);
    fails_with(&out, 1, "ShcChunkMissing");
}
