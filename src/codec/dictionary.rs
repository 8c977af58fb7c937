//! Stage: zlib with the preset dictionary (FORMAT.md §3.1).
//!
//! A zlib stream may start from a preset dictionary (RFC 1950 `FDICT`), named
//! in its header by the dictionary's Adler-32. The format defines one,
//! [`DICTIONARY_1`]: 512 bytes of what certificates share (the COSE and claim
//! skeleton, record keys, common words), built from synthetic training records
//! and generic words by `benches/dictionary/study.py`, never from a real
//! certificate. It takes the sample certificate from QR version 16 to 15.
//!
//! Verifiers inflate it in [`super::zlib::inflate`]: the crate's raw
//! inflater writes into an output buffer that starts with the dictionary, so
//! back-references reach into it. No other crate is needed to read it.

/// Dictionary 1 (FORMAT.md §3.1): 512 bytes.
pub const DICTIONARY_1: &[u8; 512] = include_bytes!("dictionary-1.bin");

/// Dictionary 1's id: its Adler-32, as the zlib header's `DICTID` names it.
pub const DICTIONARY_1_ID: u32 = adler32(DICTIONARY_1);

/// The RFC 1950 `FDICT` flag in the header's second byte.
pub(crate) const FDICT: u8 = 0x20;

/// The Adler-32 checksum (RFC 1950 §8.2).
pub const fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    // Sums stay below 2^32 for 5552 bytes between reductions (RFC 1950's
    // NMAX), a multiple of the 16 bytes taken at a time.
    const NMAX: u32 = 5552;
    let (mut a, mut b, mut n) = (1u32, 0u32, 0u32);
    let mut rest = data;
    while let Some((chunk, tail)) = rest.split_first_chunk::<16>() {
        // b gains a for each byte, then each byte once per byte after it
        // (itself included): 16 a + 16 x0 + 15 x1 + ... + 1 x15.
        let mut sum = 0u32;
        let mut weighted = 0u32;
        let mut bytes: &[u8] = chunk;
        while let [byte, tail @ ..] = bytes {
            sum += *byte as u32;
            weighted += sum;
            bytes = tail;
        }
        b += 16 * a + weighted;
        a += sum;
        n += 16;
        if n == NMAX {
            a %= MOD;
            b %= MOD;
            n = 0;
        }
        rest = tail;
    }
    while let [byte, tail @ ..] = rest {
        a += *byte as u32;
        b += a;
        rest = tail;
    }
    ((b % MOD) << 16) | (a % MOD)
}

/// The dictionary the format defines with this id (FORMAT.md §3.1).
pub(crate) fn by_id(id: u32) -> Option<&'static [u8]> {
    (id == DICTIONARY_1_ID).then_some(&DICTIONARY_1[..])
}

/// Compresses `data` as one zlib stream at the format's level, starting from
/// dictionary 1 (the header sets `FDICT` and names it).
#[cfg(feature = "issue")]
pub fn compress(data: &[u8]) -> Vec<u8> {
    use flate2::{Compress, Compression};
    let mut c = Compress::new(Compression::new(super::zlib::LEVEL), true);
    // zlib-rs takes a dictionary on a fresh stream. Were it ever refused, the
    // output would be a plain zlib stream, which verifies just the same.
    let _ = c.set_dictionary(DICTIONARY_1);
    super::zlib::finish(&mut c, data)
}

#[cfg(all(test, feature = "issue"))]
mod tests {
    use super::super::zlib::inflate;
    use super::*;
    use crate::VerifyError;

    const CAP: usize = 1 << 16;

    #[test]
    fn adler32_is_rfc_1950s() {
        assert_eq!(adler32(b""), 1);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(DICTIONARY_1_ID, 0x5B67_C19E);
        // Against the byte-at-a-time definition, across the 16-byte steps
        // and the reductions every 5552 bytes.
        let data: Vec<u8> = (0..20_000u32).map(|i| (i * 7 + i / 255) as u8).collect();
        for len in (0..40).chain([5551, 5552, 5553, 5568, 11_104, 11_105, 20_000]) {
            let (mut a, mut b) = (1u32, 0u32);
            for &x in &data[..len] {
                a = (a + u32::from(x)) % 65_521;
                b = (b + a) % 65_521;
            }
            assert_eq!(adler32(&data[..len]), b << 16 | a, "length {len}");
        }
        let ones = vec![0xffu8; 20_000];
        let (mut a, mut b) = (1u32, 0u32);
        for &x in &ones {
            a = (a + u32::from(x)) % 65_521;
            b = (b + a) % 65_521;
        }
        assert_eq!(adler32(&ones), b << 16 | a);
    }

    #[test]
    fn round_trips_and_reaches_into_the_dictionary() {
        for data in [
            Vec::new(),
            b"x".to_vec(),
            DICTIONARY_1.to_vec(),
            b"Laboratory Hospital Vaccination Centre".repeat(40),
            (0..=255u8).cycle().take(70_000).collect(),
        ] {
            let z = compress(&data);
            assert_eq!(z[1] & FDICT, FDICT);
            assert_eq!(z.get(2..6), Some(&DICTIONARY_1_ID.to_be_bytes()[..]));
            assert_eq!(inflate(&z, 1 << 20).unwrap(), data);
        }
        // The dictionary itself compresses to a few bytes: back-references.
        assert!(compress(DICTIONARY_1).len() < 24);
    }

    #[test]
    fn the_cap_holds_exactly() {
        let z = compress(&[7u8; 1000]);
        assert_eq!(inflate(&z, 1000).unwrap().len(), 1000);
        assert_eq!(
            inflate(&z, 999),
            Err(VerifyError::InflateLimitExceeded { limit: 999 })
        );
        let bomb = compress(&vec![0u8; 8 << 20]);
        assert_eq!(
            inflate(&bomb, CAP),
            Err(VerifyError::InflateLimitExceeded { limit: CAP })
        );
    }

    #[test]
    fn bad_streams_get_their_own_errors() {
        let z = compress(b"Laboratory Hospital Vaccination Centre");
        // Every truncation fails cleanly.
        for n in 0..z.len() {
            assert!(
                matches!(
                    inflate(&z[..n], CAP),
                    Err(VerifyError::InflateFailed { .. })
                ),
                "prefix of {n} bytes"
            );
        }
        let mut trailing = z.clone();
        trailing.extend_from_slice(&[0, 0]);
        assert_eq!(
            inflate(&trailing, CAP),
            Err(VerifyError::ZlibTrailingData { count: 2 })
        );
        let mut other = z.clone();
        other[2..6].copy_from_slice(&[1, 2, 3, 4]);
        assert_eq!(
            inflate(&other, CAP),
            Err(VerifyError::ZlibUnknownDictionary { id: 0x0102_0304 })
        );
        let mut header = z.clone();
        header[1] ^= 0x01; // breaks the FCHECK bits
        assert!(matches!(
            inflate(&header, CAP),
            Err(VerifyError::InflateFailed { .. })
        ));
        let mut sum = z.clone();
        *sum.last_mut().unwrap() ^= 0x80;
        assert!(matches!(
            inflate(&sum, CAP),
            Err(VerifyError::InflateFailed { .. })
        ));
    }
}
