//! The reference validator's malformed variants of example 00
//! (`tests/interop/shc/negative/`, from smart-on-fhir/health-cards-dev-tools)
//! classified as its own tests (`tests/card.test.ts`, `tests/api.test.ts`)
//! classify them: what it reports as an error is refused with a specific
//! error; what it reports as a warning or as valid is accepted, with a
//! warning in the output where useful. Every file in the folder is listed.

use travelcert::verify::Verified;
use travelcert::VerifyError;

use super::shc::{at, data, verifier};

/// `Ok(warning)`: accepted (with a warning containing the text, when not
/// empty); `Err(name)`: refused with that error.
const EXPECTED: &[(&str, Result<&str, &str>)] = &[
    // Errors in the reference validator.
    (
        "test-example-00-d-jws-der-signature.txt",
        Err("ShcSignatureDer"),
    ),
    (
        "test-example-00-d-jws-der-signature-r-neg.txt",
        Err("ShcSignatureDer"),
    ),
    (
        "test-example-00-d-jws-der-signature-s-neg.txt",
        Err("ShcSignatureDer"),
    ),
    (
        "test-example-00-d-jws-der-signature-rs-neg.txt",
        Err("ShcSignatureDer"),
    ),
    (
        "test-example-00-d-jws-invalid-signature.txt",
        Err("ShcSignatureInvalid"),
    ),
    // Its kid is in another key set (the reference test passes that set and
    // gets ISSUER_KID_MISMATCH); with the example issuer's set, the kid is unknown.
    (
        "test-example-00-d-jws-issuer-kid-mismatch.txt",
        Err("ShcKidUnknown"),
    ),
    (
        "test-example-00-d-jws-issuer-not-valid-with-smart-key.txt",
        Err("ShcIssuerUnknown"),
    ),
    (
        "test-example-00-d-jws-no_deflate.txt",
        Err("ShcNotCompressed"),
    ),
    (
        "test-example-00-d-jws-no_jws_header_alg.txt",
        Err("ShcAlgUnsupported"),
    ),
    (
        "test-example-00-d-jws-no_jws_header_kid.txt",
        Err("ShcKidMissing"),
    ),
    (
        "test-example-00-d-jws-no_jws_header_zip.txt",
        Err("ShcNotCompressed"),
    ),
    (
        "test-example-00-d-jws-trailing_chars.txt",
        Err("ShcTrailingCharacters"),
    ),
    (
        "test-example-00-d-jws-utf8_bom_prefix.txt",
        Err("ShcTrailingCharacters"),
    ),
    (
        "test-example-00-d-jws-wrong_jws_header_kid.txt",
        Err("ShcKidUnknown"),
    ),
    (
        "test-example-00-e-file-bad_jwks.smart-health-card",
        Err("ShcIssuerUnknown"),
    ),
    (
        "test-example-00-e-file-invalid_deflate.smart-health-card",
        Err("InflateFailed"),
    ),
    (
        "test-example-00-e-file-invalid_issuer_url.smart-health-card",
        Err("ShcIssuerUnknown"),
    ),
    (
        "test-example-00-e-file-invalid_issuer_url_http.smart-health-card",
        Err("ShcIssuerUrlInvalid"),
    ),
    (
        "test-example-00-e-file-issuer_url_with_trailing_slash.smart-health-card",
        Err("ShcIssuerUrlInvalid"),
    ),
    (
        "test-example-00-e-file-no_deflate.smart-health-card",
        Err("ShcNotCompressed"),
    ),
    (
        "test-example-00-e-file-trailing_chars.smart-health-card",
        Err("ShcTrailingCharacters"),
    ),
    // Characters after the file's JSON (and a JWS without alg): errors.
    (
        "test-example-00-e-file-multi-jws-issues.smart-health-card",
        Err("ShcTrailingCharacters"),
    ),
    // Generated for an older draft: no nbf, another credential type and
    // issuer. Its length alone is only a warning (see below), but its payload
    // is invalid under the current specification.
    (
        "test-example-00-d-jws-jws_too_long.txt",
        Err("ShcPayloadInvalid"),
    ),
    (
        "test-example-00-e-file-jws_too_long.smart-health-card",
        Err("ShcPayloadInvalid"),
    ),
    // Valid, or only warnings in the reference validator.
    ("test-example-00-e-file-multi-jws.smart-health-card", Ok("")),
    ("test-example-00-e-file.wrong-extension", Ok("")),
    ("test-example-00-d-jws-bad-fhir-metadata.txt", Ok("meta")),
];

/// Verifies a variant the way its form calls for: a `-d-` file is a JWS,
/// a `-e-` file a `.smart-health-card` file (refused when any JWS is).
fn classify(name: &str) -> Result<Vec<Verified>, VerifyError> {
    let v = verifier();
    // These cards were signed in 2021–2022: verify at a moment after their nbf.
    let text = data(&format!("negative/{name}"));
    if name.contains("-d-jws") {
        // The reference reads a JWS file as it is, surrounding characters included.
        let jws = text.strip_suffix('\n').unwrap_or(&text);
        return v.verify_shc_jws(jws, at()).map(|v| vec![v]);
    }
    v.verify_shc_file(text.as_bytes(), at())?
        .into_iter()
        .collect()
}

#[test]
fn every_variant_is_classified_as_the_reference_validator_does() {
    let listed: Vec<&str> = EXPECTED.iter().map(|(n, _)| *n).collect();
    let dir = format!("{}/tests/interop/shc/negative", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("test-"))
        .collect();
    files.sort();
    let mut sorted = listed.clone();
    sorted.sort();
    assert_eq!(
        files, sorted,
        "every variant has an expected classification"
    );
    let mut wrong = Vec::new();
    for (name, expected) in EXPECTED {
        let got = classify(name);
        let ok = match (expected, &got) {
            (Ok(warning), Ok(cards)) => {
                warning.is_empty()
                    || cards.iter().any(|c| {
                        c.foreign()
                            .unwrap()
                            .warnings()
                            .iter()
                            .any(|w| w.contains(warning))
                    })
            }
            (Err(error), Err(e)) => e.name() == *error,
            _ => false,
        };
        if !ok {
            wrong.push(format!(
                "{name}: expected {expected:?}, got {:?}",
                got.map(|c| c.len()).map_err(|e| e.to_string())
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_jws_too_long_for_one_qr_code_is_accepted_from_a_file_with_a_warning() {
    // Example 02's JWS is longer than one QR code holds (it is split in three).
    let jws = data("examples/example-02-d-jws.txt");
    let file = serde_json::json!({ "verifiableCredential": [jws.trim()] }).to_string();
    let results = verifier().verify_shc_file(file.as_bytes(), at()).unwrap();
    let card = results.into_iter().next().unwrap().unwrap();
    let warnings = card.foreign().unwrap().warnings();
    assert!(
        warnings.iter().any(|w| w.contains("QR code")),
        "{warnings:?}"
    );
}
