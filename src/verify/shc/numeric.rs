//! The numeric QR text (`shc:/` + pairs of digits, each a character code
//! minus 45) and the deprecated multi-chunk form `shc:/i/n/…`.

use crate::VerifyError;

/// The prefix of every SMART Health Card QR text.
pub const SHC_PREFIX: &str = "shc:/";

/// The most digits one chunk may carry (a version-40 QR code holds 7089).
pub const MAX_NUMERIC_LEN: usize = 8192;

/// The most chunks a card may be split into.
pub const MAX_CHUNKS: usize = 16;

/// One QR text: its position and its digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Chunk<'t> {
    pub(crate) index: usize,
    pub(crate) total: usize,
    pub(crate) digits: &'t str,
}

fn chunk_invalid(reason: impl Into<String>) -> VerifyError {
    VerifyError::ShcChunkInvalid {
        reason: reason.into(),
    }
}

fn small_number(text: &str, what: &str) -> Result<usize, VerifyError> {
    if text.is_empty() || text.len() > 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(chunk_invalid(format!("{what} `{text}` is not a number")));
    }
    text.parse()
        .map_err(|_| chunk_invalid(format!("{what} `{text}` is not a number")))
}

/// Splits the text after `shc:/` into its chunk header (when any) and digits.
pub(crate) fn parse_chunk(rest: &str) -> Result<Chunk<'_>, VerifyError> {
    let mut parts = rest.splitn(3, '/');
    let first = parts.next().unwrap_or_default();
    let (index, total, digits) = match (parts.next(), parts.next()) {
        (None, _) => (1, 1, first),
        (Some(total), Some(digits)) => (
            small_number(first, "chunk index")?,
            small_number(total, "chunk count")?,
            digits,
        ),
        (Some(_), None) => return Err(chunk_invalid("expected shc:/INDEX/COUNT/DIGITS")),
    };
    if total == 0 || index == 0 || index > total {
        return Err(chunk_invalid(format!("chunk {index} of {total}")));
    }
    if total > MAX_CHUNKS {
        return Err(VerifyError::ShcTooLarge {
            what: "chunk count".into(),
            limit: MAX_CHUNKS,
        });
    }
    Ok(Chunk {
        index,
        total,
        digits,
    })
}

/// Pairs of digits → the JWS characters they encode.
pub(crate) fn decode_digits(digits: &str) -> Result<String, VerifyError> {
    if digits.len() > MAX_NUMERIC_LEN {
        return Err(VerifyError::ShcTooLarge {
            what: "numeric text".into(),
            limit: MAX_NUMERIC_LEN,
        });
    }
    if digits.is_empty() {
        return Err(VerifyError::Empty);
    }
    let bytes = digits.as_bytes();
    if let Some(pos) = bytes.iter().position(|b| !b.is_ascii_digit()) {
        return Err(VerifyError::ShcNumericInvalid {
            reason: format!("character {} is not a digit", pos + 1),
        });
    }
    if !bytes.len().is_multiple_of(2) {
        return Err(VerifyError::ShcNumericInvalid {
            reason: "an odd number of digits".into(),
        });
    }
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        let (tens, ones) = match pair {
            [a, b] => (a - b'0', b - b'0'),
            _ => continue,
        };
        let value = tens * 10 + ones;
        if value > 77 {
            return Err(VerifyError::ShcNumericInvalid {
                reason: format!("pair {} is {value}, above 77", i + 1),
            });
        }
        out.push(char::from(value + 45));
    }
    Ok(out)
}

/// The compact JWS that one or several QR texts carry, chunks in any order.
pub(crate) fn assemble<S: AsRef<str>>(texts: &[S]) -> Result<String, VerifyError> {
    if texts.len() > MAX_CHUNKS {
        return Err(VerifyError::ShcTooLarge {
            what: "chunk count".into(),
            limit: MAX_CHUNKS,
        });
    }
    let mut chunks = Vec::with_capacity(texts.len());
    for text in texts {
        let rest = text.as_ref().strip_prefix(SHC_PREFIX).ok_or_else(|| {
            VerifyError::ShcChunkInconsistent {
                reason: "a text does not start with shc:/".into(),
            }
        })?;
        chunks.push(parse_chunk(rest)?);
    }
    let Some(first) = chunks.first() else {
        return Err(VerifyError::Empty);
    };
    let total = first.total;
    if let Some(other) = chunks.iter().find(|c| c.total != total) {
        return Err(VerifyError::ShcChunkInconsistent {
            reason: format!("one text says {total} chunks, another {}", other.total),
        });
    }
    let mut slots: Vec<Option<&str>> = vec![None; total];
    for c in &chunks {
        let slot = slots
            .get_mut(c.index - 1)
            .ok_or_else(|| chunk_invalid(format!("chunk {} of {total}", c.index)))?;
        if slot.is_some() {
            return Err(VerifyError::ShcChunkRepeated { index: c.index });
        }
        *slot = Some(c.digits);
    }
    let mut jws = String::new();
    for (i, slot) in slots.iter().enumerate() {
        let digits = slot.ok_or(VerifyError::ShcChunkMissing {
            index: i + 1,
            total,
        })?;
        jws.push_str(&decode_digits(digits)?);
    }
    Ok(jws)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_and_chunks() {
        // "ey" = 101-45, 121-45.
        assert_eq!(decode_digits("5676").unwrap(), "ey");
        assert_eq!(
            decode_digits("567").unwrap_err().name(),
            "ShcNumericInvalid"
        );
        assert_eq!(decode_digits("78").unwrap_err().name(), "ShcNumericInvalid");
        assert_eq!(decode_digits("5a").unwrap_err().name(), "ShcNumericInvalid");
        assert_eq!(
            decode_digits(&"0".repeat(MAX_NUMERIC_LEN + 2))
                .unwrap_err()
                .name(),
            "ShcTooLarge"
        );
        assert_eq!(assemble(&["shc:/2/2/76", "shc:/1/2/56"]).unwrap(), "ey");
        assert_eq!(
            assemble(&["shc:/1/2/56"]).unwrap_err(),
            VerifyError::ShcChunkMissing { index: 2, total: 2 }
        );
        assert_eq!(
            assemble(&["shc:/1/2/56", "shc:/1/2/56"])
                .unwrap_err()
                .name(),
            "ShcChunkRepeated"
        );
        assert_eq!(
            assemble(&["shc:/1/2/56", "shc:/2/3/76"])
                .unwrap_err()
                .name(),
            "ShcChunkInconsistent"
        );
        assert_eq!(
            assemble(&["shc:/3/2/56"]).unwrap_err().name(),
            "ShcChunkInvalid"
        );
        assert_eq!(
            assemble(&["shc:/1/99/56"]).unwrap_err().name(),
            "ShcTooLarge"
        );
    }
}
