//! Input readers: files, standard input, keys and argument values.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use travelcert::issue::Ed25519Signer;
use travelcert::keys::PublicKey;
use travelcert::model::{CountryCode, Timestamp};
use travelcert::trust::Root;
use zeroize::Zeroizing;

use crate::cli::TextInput;
use crate::exit::{usage, Failure};

impl TextInput {
    /// The certificate text with surrounding whitespace removed (one only).
    pub(crate) fn read(&self) -> Result<String, Failure> {
        if self.text.len() > 1 {
            return Err(usage("give one certificate text"));
        }
        self.read_raw().map(|t| t.trim().to_owned())
    }

    /// Every text given: the positional texts, else the non-empty lines of
    /// --text-file or standard input; or a whole JSON document (a
    /// `.smart-health-card` file) as one text.
    pub(crate) fn read_all(&self) -> Result<Vec<String>, Failure> {
        if !self.text.is_empty() {
            return Ok(self.text.iter().map(|t| t.trim().to_owned()).collect());
        }
        let raw = self.read_raw()?;
        if raw.trim_start().starts_with('{') {
            return Ok(vec![raw]);
        }
        Ok(raw
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect())
    }

    fn read_raw(&self) -> Result<String, Failure> {
        let text = match (self.text.first(), &self.text_file) {
            (Some(t), _) => t.clone(),
            (None, Some(path)) => read_text(path)?,
            (None, None) => {
                let mut s = String::new();
                std::io::stdin()
                    .take(1 << 20)
                    .read_to_string(&mut s)
                    .map_err(|e| usage(format!("standard input: {e}")))?;
                s
            }
        };
        Ok(text)
    }
}

pub(crate) fn instant(text: Option<&str>) -> Result<Timestamp, Failure> {
    text.map_or(Ok(Timestamp::now()), |t| {
        Timestamp::parse_rfc3339(t).map_err(usage)
    })
}

/// `3600`, `3600s`, `60m`, `48h`, `2d` → seconds.
pub(crate) fn duration(text: &str) -> Result<i64, Failure> {
    let bad = || {
        usage(format!(
            "`{text}` is not a duration such as 48h, 2d, 90m or 3600"
        ))
    };
    let (digits, unit) = match text.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (text.get(..i).unwrap_or(""), c),
        _ => (text, 's'),
    };
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let scale = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return Err(bad()),
    };
    n.checked_mul(scale).filter(|s| *s > 0).ok_or_else(bad)
}

pub(crate) fn hex_bytes(text: &str) -> Result<Vec<u8>, Failure> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(usage(format!("`{text}` is not hexadecimal")));
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
                .ok_or_else(|| usage(format!("`{text}` is not hexadecimal")))
        })
        .collect()
}

pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>, Failure> {
    fs::read(path).map_err(|e| usage(format!("{}: {e}", path.display())))
}

pub(crate) fn read_text(path: &Path) -> Result<String, Failure> {
    fs::read_to_string(path).map_err(|e| usage(format!("{}: {e}", path.display())))
}

/// A secret file's text (a PEM private key), wiped from memory when dropped.
pub(crate) fn read_secret_text(path: &Path) -> Result<Zeroizing<String>, Failure> {
    let bytes = read_secret_bytes(path)?;
    let text =
        std::str::from_utf8(&bytes).map_err(|e| usage(format!("{}: {e}", path.display())))?;
    // Allocated at its final size: no copy is left behind by growing.
    let mut owned = Zeroizing::new(String::with_capacity(text.len()));
    owned.push_str(text);
    Ok(owned)
}

/// A secret file's bytes (reader keys), wiped from memory when dropped.
pub(crate) fn read_secret_bytes(path: &Path) -> Result<Zeroizing<Vec<u8>>, Failure> {
    let fail = |e: std::io::Error| usage(format!("{}: {e}", path.display()));
    let mut file = fs::File::open(path).map_err(fail)?;
    // Sized from the file so the buffer is not reallocated (which would leave
    // an unwiped copy behind); only a pipe or a growing file makes it grow.
    let len = file.metadata().map_or(0, |m| m.len());
    let mut bytes = Zeroizing::new(Vec::with_capacity(
        usize::try_from(len).unwrap_or(0).saturating_add(1),
    ));
    file.read_to_end(&mut bytes).map_err(fail)?;
    Ok(bytes)
}

/// Root keys from `--root` values: `FILE` (unscoped) or `CN,HK=FILE`
/// (scoped). The part before the first `=` is a scope only when it is a
/// comma-separated list of two-letter codes; otherwise the value is a path.
/// `CC,..=FILE` or `FILE`: the countries (empty when none) and the file.
pub(crate) fn scoped_file(spec: &str) -> Result<(Vec<CountryCode>, PathBuf), Failure> {
    let scoped = spec.split_once('=').filter(|(scope, _)| {
        scope
            .split(',')
            .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()))
    });
    match scoped {
        Some((scope, path)) => Ok((
            scope
                .split(',')
                .map(CountryCode::new)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| usage(format!("{spec}: {e}")))?,
            PathBuf::from(path),
        )),
        None => Ok((Vec::new(), PathBuf::from(spec))),
    }
}

pub(crate) fn read_scoped_roots(specs: &[String]) -> Result<Vec<Root>, Failure> {
    specs
        .iter()
        .map(|spec| {
            let scoped = spec.split_once('=').filter(|(scope, _)| {
                scope
                    .split(',')
                    .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()))
            });
            let (scope, path) = match scoped {
                Some((scope, path)) => (Some(scope), Path::new(path)),
                None => (None, Path::new(spec.as_str())),
            };
            let key = PublicKey::from_spki_pem(&read_text(path)?)
                .map_err(|e| usage(format!("{}: {e}", path.display())))?;
            Ok(match scope {
                None => Root::new(key),
                Some(scope) => Root::scoped(
                    key,
                    scope
                        .split(',')
                        .map(CountryCode::new)
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| usage(format!("--root {spec}: {e}")))?,
                ),
            })
        })
        .collect()
}

pub(crate) fn read_roots(paths: &[PathBuf]) -> Result<Vec<PublicKey>, Failure> {
    paths
        .iter()
        .map(|p| {
            PublicKey::from_spki_pem(&read_text(p)?)
                .map_err(|e| usage(format!("{}: {e}", p.display())))
        })
        .collect()
}

pub(crate) fn read_signer(path: &Path) -> Result<Ed25519Signer, Failure> {
    Ed25519Signer::from_pkcs8_pem(&read_secret_text(path)?)
        .map_err(|e| usage(format!("{}: {e}", path.display())))
}
