//! The command-line round trip of encrypted certificates:
//! keygen --reader → issue --encrypt-to → verify --reader-key, both modes, and
//! the exit codes and error names when the reader key is missing or wrong.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common::{ok, repo, travelcert, workspace};

#[test]
fn keygen_reader_issue_encrypted_and_verify_both_modes() {
    let dir = workspace("cli-enc");
    let d = dir.display().to_string();
    let other = format!("{d}/other");
    ok(&travelcert(&["keygen", "--out-dir", &d, "--country", "CN"]));
    ok(&travelcert(&["keygen", "--reader", "--out-dir", &d]));
    ok(&travelcert(&["keygen", "--reader", "--out-dir", &other]));
    for f in ["reader.shared.json", "reader.key.json", "reader.pub.json"] {
        assert!(dir.join(f).exists(), "{f}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("reader.key.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the reader secret key is private");
    }
    let public = std::fs::read_to_string(dir.join("reader.pub.json")).unwrap();
    assert!(public.contains("x25519-public") && !public.contains("secret"));
    // Reader keygen never overwrites a key either.
    assert_eq!(
        travelcert(&["keygen", "--reader", "--out-dir", &d])
            .status
            .code(),
        Some(2)
    );

    let key = format!("{d}/issuer.key.pem");
    let trust = format!("{d}/trust.json");
    let issue = |encrypt_to: Option<&str>| {
        let mut args = vec![
            "issue",
            "--key",
            &key,
            "--issuer",
            "CN",
            "--issued-at",
            "2021-03-10T12:00:00Z",
        ];
        if let Some(to) = encrypt_to {
            args.extend(["--encrypt-to", to]);
        }
        let path = repo("examples/data/traveller.json");
        args.push(&path);
        ok(&travelcert(&args)).trim().to_owned()
    };
    let verify = |text: &str, reader_keys: &[&str]| {
        let mut args = vec!["verify", "--trust", &trust, "--at", "2021-03-11T09:00:00Z"];
        for k in reader_keys {
            args.extend(["--reader-key", k]);
        }
        args.push(text);
        travelcert(&args)
    };
    let plain = issue(None);
    let shared = format!("{d}/reader.shared.json");
    let secret = format!("{d}/reader.key.json");
    let published = format!("{d}/reader.pub.json");
    let other_shared = format!("{other}/reader.shared.json");
    let other_secret = format!("{other}/reader.key.json");

    for (to, reader, wrong, structure) in [
        (&shared, &shared, &other_shared, "cose_encrypt0"),
        (&published, &secret, &other_secret, "cose_encrypt"),
    ] {
        let text = issue(Some(to));
        assert!(text.starts_with("TC1:") && text.len() > plain.len());
        let json: serde_json::Value = serde_json::from_str(&ok(&verify(&text, &[reader]))).unwrap();
        assert_eq!(json["encryption"], structure);
        assert_eq!(
            json["certificate"]["record"]["holder"]["primary_name"],
            "WANG"
        );
        // Both reader keys held: the kid picks the right one.
        ok(&verify(&text, &[wrong, reader]));
        // Another reader: exit 1, a clear "not readable" error, not a signature error.
        let out = verify(&text, &[wrong]);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("ReaderKeyUnknown"), "{err}");
        assert!(err.contains("not readable with the keys you hold"), "{err}");
        // No reader key at all.
        let out = verify(&text, &[]);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("ReaderKeyUnknown"));
        // inspect cannot read it and says why.
        let out = travelcert(&["inspect", &text]);
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("Encrypted"));
    }
    // A public key cannot decrypt: a usage error naming the file.
    let text = issue(Some(&published));
    let out = verify(&text, &[&published]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot decrypt"));
    // The plain certificate still verifies with reader keys configured.
    let json: serde_json::Value = serde_json::from_str(&ok(&verify(&plain, &[&shared]))).unwrap();
    assert_eq!(json["encryption"], "none");
    let _ = std::fs::remove_dir_all(&dir);
}
