//! Stage: zlib with the preset dictionary (FORMAT.md §3.1).
//!
//! A zlib stream may start from a preset dictionary (RFC 1950 `FDICT`), named
//! in its header by the dictionary's Adler-32. The format defines one,
//! [`DICTIONARY_1`]: 512 bytes of what certificates share (the COSE and claim
//! skeleton, record keys, common words), built from synthetic training records
//! and generic words by `benches/dictionary/study.py`, never from a real
//! certificate. It takes the sample certificate from QR version 16 to 15.
//!
//! Verifiers inflate it with `miniz_oxide`'s raw inflater (the one `flate2`
//! uses in the verify-only build) over an output buffer that starts with the
//! dictionary, so back-references reach into it; the zlib header and the
//! Adler-32 trailer are checked here. No other crate is needed to read it.

use miniz_oxide::inflate::core::inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
use miniz_oxide::inflate::core::{decompress, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

use crate::VerifyError;

/// Dictionary 1 (FORMAT.md §3.1): 512 bytes.
pub const DICTIONARY_1: &[u8; 512] = include_bytes!("dictionary-1.bin");

/// Dictionary 1's id: its Adler-32, as the zlib header's `DICTID` names it.
pub const DICTIONARY_1_ID: u32 = adler32(DICTIONARY_1);

/// The RFC 1950 `FDICT` flag in the header's second byte.
const FDICT: u8 = 0x20;

/// The Adler-32 checksum (RFC 1950 §8.2).
pub const fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    let mut rest = data;
    // One reduction per byte: simpler than deferring them, and the inputs
    // (a dictionary, a certificate) are small.
    while let [byte, tail @ ..] = rest {
        a = (a + *byte as u32) % MOD;
        b = (b + a) % MOD;
        rest = tail;
    }
    (b << 16) | a
}

/// Whether a zlib stream's header asks for a preset dictionary.
pub(crate) fn wants_dictionary(stream: &[u8]) -> bool {
    stream.get(1).is_some_and(|flg| flg & FDICT != 0)
}

fn failed(reason: &str) -> VerifyError {
    VerifyError::InflateFailed {
        reason: reason.to_owned(),
    }
}

/// Inflates a zlib stream whose header sets `FDICT` into at most `limit`
/// bytes: the header must be valid and name a dictionary this library knows
/// (`ZlibUnknownDictionary` otherwise); then the same checks as any zlib body
/// (corrupt, truncated, wrong Adler-32, over the cap, bytes after the end).
pub(crate) fn inflate(stream: &[u8], limit: usize) -> Result<Vec<u8>, VerifyError> {
    let (header, rest) = stream
        .split_first_chunk::<6>()
        .ok_or_else(|| failed("the zlib header is truncated"))?;
    let [cmf, flg, id @ ..] = *header;
    if cmf & 0x0f != 8 || cmf >> 4 > 7 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 {
        return Err(failed("invalid zlib header"));
    }
    let id = u32::from_be_bytes(id);
    if id != DICTIONARY_1_ID {
        return Err(VerifyError::ZlibUnknownDictionary { id });
    }
    let dict = DICTIONARY_1.len();
    // The output buffer holds the dictionary, then the output: at most the
    // cap plus one byte, which tells a stream at the cap from one beyond it.
    let most = dict.saturating_add(limit).saturating_add(1);
    let mut out =
        Vec::with_capacity(most.min(rest.len().saturating_mul(4).saturating_add(dict + 256)));
    out.extend_from_slice(DICTIONARY_1);
    // One inflater per thread, reset between uses, as for plain zlib bodies:
    // a fresh one zeroes about 11 KiB of tables.
    thread_local! {
        static INFLATER: std::cell::RefCell<Box<DecompressorOxide>> =
            std::cell::RefCell::new(Box::default());
    }
    let (status, read, written) = INFLATER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut inflater) => {
            inflater.init();
            run(&mut inflater, rest, &mut out, dict, most)
        }
        Err(_) => run(&mut Box::default(), rest, &mut out, dict, most),
    });
    match status {
        TINFLStatus::Done => {}
        TINFLStatus::HasMoreOutput => return Err(VerifyError::InflateLimitExceeded { limit }),
        TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
            return Err(failed("the zlib stream is truncated"))
        }
        _ => return Err(failed("corrupt deflate data")),
    }
    if written - dict > limit {
        return Err(VerifyError::InflateLimitExceeded { limit });
    }
    out.truncate(written);
    let output = out.split_off(dict);
    let trailer = rest
        .get(read..)
        .and_then(|t| t.first_chunk::<4>())
        .ok_or_else(|| failed("the zlib stream is truncated"))?;
    if u32::from_be_bytes(*trailer) != adler32(&output) {
        return Err(failed("the Adler-32 checksum does not match"));
    }
    match rest.len() - read - 4 {
        0 => Ok(output),
        count => Err(VerifyError::ZlibTrailingData { count }),
    }
}

/// Runs the raw inflater over `input` into `out` (which holds the dictionary,
/// `dict` bytes), growing `out` up to `most` bytes: the last status, the input
/// read and the end of the output written.
fn run(
    inflater: &mut DecompressorOxide,
    input: &[u8],
    out: &mut Vec<u8>,
    dict: usize,
    most: usize,
) -> (TINFLStatus, usize, usize) {
    let (mut read, mut written) = (0, dict);
    loop {
        let room = out.capacity().min(most);
        out.resize(room, 0);
        let (status, used, made) = decompress(
            inflater,
            input.get(read..).unwrap_or_default(),
            out,
            written,
            TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
        );
        read += used;
        written += made;
        match status {
            TINFLStatus::HasMoreOutput if room < most => out.reserve(room),
            status => return (status, read, written),
        }
    }
}

/// Compresses `data` as one zlib stream at the format's level, starting from
/// dictionary 1 (the header sets `FDICT` and names it).
#[cfg(feature = "issue")]
pub fn compress(data: &[u8]) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress, Status};
    let mut c = Compress::new(Compression::new(super::zlib::LEVEL), true);
    // zlib-rs takes a dictionary on a fresh stream. Were it ever refused, the
    // output would be a plain zlib stream, which verifies just the same.
    let _ = c.set_dictionary(DICTIONARY_1);
    let mut out = Vec::with_capacity(data.len() + data.len() / 1000 + 64);
    loop {
        let consumed = usize::try_from(c.total_in()).unwrap_or(usize::MAX);
        let rest = data.get(consumed..).unwrap_or_default();
        match c.compress_vec(rest, &mut out, FlushCompress::Finish) {
            Ok(Status::StreamEnd) => return out,
            Ok(_) | Err(_) => out.reserve(out.capacity().max(64)),
        }
    }
}

#[cfg(all(test, feature = "issue"))]
mod tests {
    use super::*;

    const CAP: usize = 1 << 16;

    #[test]
    fn adler32_is_rfc_1950s() {
        assert_eq!(adler32(b""), 1);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(DICTIONARY_1_ID, 0x5B67_C19E);
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
            assert!(wants_dictionary(&z));
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
        // Through the body dispatch too: the same function reads both kinds.
        assert_eq!(
            super::super::zlib::inflate(&z, CAP).unwrap(),
            b"Laboratory Hospital Vaccination Centre"
        );
    }
}
