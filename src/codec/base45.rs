//! Stage: Base45 (RFC 9285), the QR alphanumeric-mode text encoding.
//!
//! Both directions are our own: encoding writes straight into the certificate
//! text, and decoding turns a bad group into a specific error (bad character,
//! dangling character, group overflow). The unit tests compare both with the
//! `base45` crate.

use crate::VerifyError;

/// The Base45 alphabet, in value order.
pub const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Encodes bytes as Base45.
pub fn encode(bytes: &[u8]) -> String {
    encode_after("", bytes)
}

/// `prefix` followed by the Base45 text of `bytes`, built in one buffer
/// (RFC 9285 §4: each two bytes become three characters, least significant
/// first; a last single byte two).
pub fn encode_after(prefix: &str, bytes: &[u8]) -> String {
    let mut text = Vec::with_capacity(prefix.len() + bytes.len().div_ceil(2) * 3);
    text.extend_from_slice(prefix.as_bytes());
    let mut pairs = bytes.chunks_exact(2);
    for pair in pairs.by_ref() {
        let n = pair.iter().fold(0usize, |n, &b| (n << 8) | usize::from(b));
        text.extend_from_slice(&[letter(n), letter(n / 45), letter(n / (45 * 45))]);
    }
    if let [a] = *pairs.remainder() {
        let n = usize::from(a);
        text.extend_from_slice(&[letter(n), letter(n / 45)]);
    }
    // The prefix is UTF-8 and every other byte is from the ASCII alphabet.
    String::from_utf8(text).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The character of `n % 45`.
#[allow(clippy::indexing_slicing)] // `n % 45` keeps the index in the 45-entry alphabet
fn letter(n: usize) -> u8 {
    ALPHABET[n % 45]
}

/// Character → value, or 0xff for characters outside the alphabet.
// Indexing in a const block: out-of-bounds would fail compilation, not panic.
#[allow(clippy::indexing_slicing)]
const VALUE: [u8; 256] = {
    let mut table = [0xffu8; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// The value of a character, 0xff outside the alphabet.
#[allow(clippy::indexing_slicing)] // a u8 index into a 256-entry table cannot be out of bounds
fn value(c: u8) -> u8 {
    VALUE[usize::from(c)]
}

/// Decodes Base45 text, with an error that says what is wrong and where.
///
/// Decoding is done here rather than by the `base45` crate: its decoder (3.2)
/// accepts a final pair above 255 and truncates it, against RFC 9285 §4.2, and
/// reports every fault as one error; one table-driven pass gives the specific
/// errors at a tenth of the cost.
pub fn decode(text: &str) -> Result<Vec<u8>, VerifyError> {
    let bytes = text.as_bytes();
    if bytes.len() % 3 == 1 {
        // Report a bad character first if there is one: it is the likelier fault.
        check_alphabet(text)?;
        return Err(VerifyError::Base45InvalidLength { len: bytes.len() });
    }
    // The output's size is known: two bytes a group, one for a final pair.
    let mut out = vec![0u8; bytes.len() / 3 * 2 + usize::from(bytes.len() % 3 == 2)];
    let mut groups = bytes.chunks_exact(3);
    for (group_index, (group, pair)) in groups.by_ref().zip(out.chunks_exact_mut(2)).enumerate() {
        let (&[c0, c1, c2], [p0, p1]) = (group, pair) else {
            continue;
        };
        let (v0, v1, v2) = (value(c0), value(c1), value(c2));
        // Values are below 45 and 0xff marks a character outside the
        // alphabet, so one test over the three finds any such character.
        if (v0 | v1 | v2) >= 64 {
            return Err(bad_character(text, group_index * 3, group));
        }
        let group_value = u32::from(v0) + u32::from(v1) * 45 + u32::from(v2) * 45 * 45;
        match u16::try_from(group_value) {
            Ok(value) => [*p0, *p1] = value.to_be_bytes(),
            Err(_) => return Err(overflow(text, group_index * 3)),
        }
    }
    // The last, shorter group: two characters, one byte.
    if let (&[c0, c1], Some(last)) = (groups.remainder(), out.last_mut()) {
        let position = bytes.len().saturating_sub(2);
        let (v0, v1) = (value(c0), value(c1));
        if (v0 | v1) >= 64 {
            return Err(bad_character(text, position, groups.remainder()));
        }
        match u8::try_from(u32::from(v0) + u32::from(v1) * 45) {
            Ok(byte) => *last = byte,
            Err(_) => return Err(overflow(text, position)),
        }
    }
    Ok(out)
}

/// The error for a group holding a character outside the alphabet: the
/// first such character of the whole text (FORMAT.md §2).
#[cold]
fn bad_character(text: &str, position: usize, group: &[u8]) -> VerifyError {
    if let Err(e) = check_alphabet(text) {
        return e;
    }
    // Unreachable: the group's character is in the text. Named all the same.
    let (k, c) = group
        .iter()
        .enumerate()
        .rev()
        .find(|(_, c)| value(**c) == 0xff)
        .map_or((0, 0), |(k, c)| (k, *c));
    VerifyError::Base45InvalidCharacter {
        position: position + k,
        character: char::from(c),
    }
}

/// The error for a group whose value overflows: a bad character anywhere
/// takes precedence (FORMAT.md §2).
#[cold]
fn overflow(text: &str, position: usize) -> VerifyError {
    match check_alphabet(text) {
        Err(e) => e,
        Ok(()) => VerifyError::Base45GroupOverflow { position },
    }
}

/// The first character outside the alphabet, as a character (not a byte) with
/// its byte offset, so multi-byte UTF-8 is reported as what the user typed.
fn check_alphabet(text: &str) -> Result<(), VerifyError> {
    match text
        .char_indices()
        .find(|(_, c)| !c.is_ascii() || value(*c as u8) == 0xff)
    {
        Some((position, character)) => Err(VerifyError::Base45InvalidCharacter {
            position,
            character,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9285_examples() {
        assert_eq!(encode(b"AB"), "BB8");
        assert_eq!(encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(decode("QED8WEX0").unwrap(), b"ietf!");
    }

    #[test]
    fn agrees_with_the_base45_crate_on_every_valid_group() {
        let long: Vec<u8> = (0..=255u8).chain((0..=255u8).rev()).collect();
        for n in [0, 1, 2, 3, 301, long.len()] {
            assert_eq!(encode(&long[..n]), ::base45::encode(&long[..n]));
            assert_eq!(
                encode_after("TC1:", &long[..n]),
                format!("TC1:{}", ::base45::encode(&long[..n]))
            );
        }
        for v in (0..=0xffffu32).step_by(7) {
            let bytes = (v as u16).to_be_bytes();
            assert_eq!(encode(&bytes), ::base45::encode(bytes));
            assert_eq!(encode(&bytes[..1]), ::base45::encode(&bytes[..1]));
            assert_eq!(decode(&encode(&bytes)).unwrap(), bytes);
            assert_eq!(decode(&encode(&bytes[..1])).unwrap(), &bytes[..1]);
        }
    }

    #[test]
    fn errors_are_specific() {
        assert_eq!(
            decode("BB8a"),
            Err(VerifyError::Base45InvalidCharacter {
                position: 3,
                character: 'a'
            })
        );
        assert_eq!(
            decode("BB8B"),
            Err(VerifyError::Base45InvalidLength { len: 4 })
        );
        // ":::" = 44 + 44*45 + 44*2025 = 91124 > 65535.
        assert_eq!(
            decode("BB8:::"),
            Err(VerifyError::Base45GroupOverflow { position: 3 })
        );
        // A final pair above 255: "::" = 44 + 44*45 = 2024.
        assert_eq!(
            decode("BB8::"),
            Err(VerifyError::Base45GroupOverflow { position: 3 })
        );
    }
}
