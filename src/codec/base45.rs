//! Stage: Base45 (RFC 9285), the QR alphanumeric-mode text encoding.
//!
//! Encoding and decoding are the `base45` crate's; this module adds the checks
//! that turn its single error into a specific one (bad character, dangling
//! character, group overflow).

use crate::VerifyError;

/// The Base45 alphabet, in value order.
pub const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Encodes bytes as Base45.
pub fn encode(bytes: &[u8]) -> String {
    base45::encode(bytes)
}

/// Decodes Base45 text, with an error that says what is wrong and where.
pub fn decode(text: &str) -> Result<Vec<u8>, VerifyError> {
    if let Some((position, character)) = text
        .char_indices()
        .find(|(_, c)| !c.is_ascii() || !ALPHABET.contains(&(*c as u8)))
    {
        return Err(VerifyError::Base45InvalidCharacter {
            position,
            character,
        });
    }
    if text.len() % 3 == 1 {
        return Err(VerifyError::Base45InvalidLength { len: text.len() });
    }
    // The `base45` crate (3.2) accepts a final pair above 255 and truncates it;
    // RFC 9285 §4.2 requires refusing it, so every group is checked here.
    if let Some(position) = first_overflow(text.as_bytes()) {
        return Err(VerifyError::Base45GroupOverflow { position });
    }
    base45::decode(text).map_err(|_| VerifyError::Base45GroupOverflow { position: 0 })
}

/// Where the first group that does not fit lies (alphabet and length already checked).
fn first_overflow(text: &[u8]) -> Option<usize> {
    let value = |c: &u8| ALPHABET.iter().position(|a| a == c).unwrap_or(0) as u32;
    text.chunks(3)
        .position(|group| {
            let v: u32 = group.iter().rev().fold(0, |acc, c| acc * 45 + value(c));
            v > if group.len() == 3 { 0xffff } else { 0xff }
        })
        .map(|group| group * 3)
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
