//! Stage: zlib (RFC 1950) compression of the COSE bytes.
//!
//! The compressor is pinned (`flate2`) and so is the level ([`LEVEL`]), so the
//! same input always compresses to the same bytes. Inflation (every build:
//! `miniz_oxide`'s raw inflater, with the header and Adler-32 checked here) is
//! capped: it stops as soon as the output would pass the limit, so a zlib bomb
//! costs at most the limit in memory and a few microseconds per KiB.

use flate2::{Compress, Compression, FlushCompress, Status};
use miniz_oxide::inflate::core::inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
use miniz_oxide::inflate::core::{decompress, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

use super::dictionary;
use crate::VerifyError;

/// The compression level (0–9). FORMAT.md pins it for deterministic output.
pub const LEVEL: u32 = 9;

/// The default cap on inflated size: 64 KiB.
pub const DEFAULT_INFLATE_LIMIT: usize = 64 * 1024;

/// Compresses `data` as one zlib stream at [`LEVEL`].
pub fn compress(data: &[u8]) -> Vec<u8> {
    let mut c = Compress::new(Compression::new(LEVEL), true);
    compress_reusing(&mut c, data)
}

/// Compresses `data` with a reusable compressor (reset first), for bulk
/// issuing. **Feature `hazmat`**: it takes a dependency's type (flate2's
/// `Compress`), so it is not part of the stable API; the benchmarks use it to
/// compare compression levels.
#[cfg(feature = "hazmat")]
pub fn compress_with(c: &mut Compress, data: &[u8]) -> Vec<u8> {
    compress_reusing(c, data)
}

/// Compresses `data` with a reusable compressor (reset first), for bulk issuing.
pub(crate) fn compress_reusing(c: &mut Compress, data: &[u8]) -> Vec<u8> {
    c.reset();
    // zlib's worst case is a few bytes per 16 KiB block plus 11 bytes of framing.
    let mut out = Vec::with_capacity(data.len() + data.len() / 1000 + 64);
    loop {
        let consumed = usize::try_from(c.total_in()).unwrap_or(usize::MAX);
        let rest = data.get(consumed..).unwrap_or_default();
        match c.compress_vec(rest, &mut out, FlushCompress::Finish) {
            Ok(Status::StreamEnd) => return out,
            // Out of room: grow and go on. Errors cannot occur with a valid state.
            Ok(_) | Err(_) => out.reserve(out.capacity().max(64)),
        }
    }
}

/// Inflates one zlib stream into at most `limit` bytes. Refuses truncated or
/// corrupt streams, data after the stream's end, and output beyond `limit`.
/// A stream that starts from a preset dictionary (FORMAT.md §3.1) is read
/// with it, or refused with `ZlibUnknownDictionary` if the dictionary is not
/// one the format defines.
pub fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, VerifyError> {
    let mut out = Vec::new();
    inflate_reusing(data, limit, &mut out)?;
    Ok(out)
}

fn failed(reason: &str) -> VerifyError {
    VerifyError::InflateFailed {
        reason: reason.to_owned(),
    }
}

/// [`inflate`] into `out` (cleared first), reusing its allocation when it is
/// no larger than the cap allows.
///
/// Every build inflates with `miniz_oxide`'s raw inflater (the one `flate2`
/// wraps) and checks the RFC 1950 header and Adler-32 here, so the verify-only
/// build, the WebAssembly verifier and the full build give the same errors.
pub(crate) fn inflate_reusing(
    data: &[u8],
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<(), VerifyError> {
    let (&[cmf, flg], rest) = data
        .split_first_chunk::<2>()
        .ok_or_else(|| failed("the zlib header is truncated"))?;
    if cmf & 0x0f != 8 || cmf >> 4 > 7 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 {
        return Err(failed("invalid zlib header"));
    }
    let (dictionary, deflate): (&[u8], &[u8]) = if flg & dictionary::FDICT == 0 {
        (&[], rest)
    } else {
        let (id, deflate) = rest
            .split_first_chunk::<4>()
            .ok_or_else(|| failed("the zlib header is truncated"))?;
        let id = u32::from_be_bytes(*id);
        let dictionary = dictionary::by_id(id).ok_or(VerifyError::ZlibUnknownDictionary { id })?;
        (dictionary, deflate)
    };
    let used = inflate_into(deflate, dictionary, limit, out)?;
    let trailer = deflate
        .get(used..)
        .and_then(|t| t.first_chunk::<4>())
        .ok_or_else(|| failed("the zlib stream ends before its Adler-32"))?;
    if u32::from_be_bytes(*trailer) != dictionary::adler32(out) {
        return Err(failed("the Adler-32 checksum does not match"));
    }
    match deflate.len().saturating_sub(used).saturating_sub(4) {
        0 => Ok(()),
        count => Err(VerifyError::ZlibTrailingData { count }),
    }
}

/// Inflates one raw DEFLATE stream (no zlib header, as in a SMART Health
/// Card's JWS payload) into at most `limit` bytes, with the same checks as
/// [`inflate`].
#[cfg(feature = "shc")]
pub(crate) fn inflate_raw(data: &[u8], limit: usize) -> Result<Vec<u8>, VerifyError> {
    let mut out = Vec::new();
    let used = inflate_into(data, &[], limit, &mut out)?;
    match data.len().saturating_sub(used) {
        0 => Ok(out),
        count => Err(VerifyError::ZlibTrailingData { count }),
    }
}

/// Inflates the raw DEFLATE data at the start of `input` into `out` (cleared
/// first), as if `dictionary` had been output before it (back-references may
/// reach into it; it is not part of the result). Returns how many input bytes
/// the stream took.
fn inflate_into(
    input: &[u8],
    dictionary: &[u8],
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<usize, VerifyError> {
    // One inflater per thread, reset between uses: a fresh one zeroes about
    // 11 KiB of tables, more than inflating a certificate costs.
    thread_local! {
        static INFLATER: std::cell::RefCell<Box<DecompressorOxide>> =
            std::cell::RefCell::new(Box::default());
    }
    // The dictionary, then at most limit + 1 bytes: one byte over the cap
    // proves the stream is too large. Start small and grow geometrically; a
    // reused buffer never offers more room than that, so the outcome is the
    // same as with a fresh one.
    let most = dictionary.len().saturating_add(limit).saturating_add(1);
    out.clear();
    if out.capacity() > most {
        *out = Vec::new();
    }
    let initial = input
        .len()
        .saturating_mul(4)
        .saturating_add(dictionary.len())
        .clamp(256, most);
    if out.capacity() < initial {
        out.reserve_exact(initial);
    }
    out.extend_from_slice(dictionary);
    let run = |inflater: &mut DecompressorOxide, out: &mut Vec<u8>| {
        let (mut read, mut written) = (0, dictionary.len());
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
    };
    let (status, read, written) = INFLATER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut inflater) => {
            inflater.init();
            run(&mut inflater, out)
        }
        // Re-entered on this thread (never in practice): use a fresh one.
        Err(_) => run(&mut Box::default(), out),
    });
    out.truncate(written);
    match status {
        TINFLStatus::Done if written - dictionary.len() <= limit => {
            out.drain(..dictionary.len());
            Ok(read)
        }
        TINFLStatus::Done | TINFLStatus::HasMoreOutput => {
            Err(VerifyError::InflateLimitExceeded { limit })
        }
        TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
            Err(failed("the stream ends before its final block"))
        }
        _ => Err(failed("corrupt deflate data")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_determinism() {
        let data = b"Dr. Essa Laboratory Dr. Essa Laboratory Dr. Essa Laboratory".repeat(3);
        let a = compress(&data);
        let mut c = Compress::new(Compression::new(LEVEL), true);
        let _ = compress_reusing(&mut c, b"something else first");
        assert_eq!(compress_reusing(&mut c, &data), a);
        assert_eq!(inflate(&a, 1 << 16).unwrap(), data);
    }

    #[test]
    fn bad_streams_are_refused() {
        let z = compress(&[7u8; 1000]);
        assert!(matches!(
            inflate(&z[..z.len() - 5], 1 << 16),
            Err(VerifyError::InflateFailed { .. })
        ));
        let mut trailing = z.clone();
        trailing.push(0);
        assert_eq!(
            inflate(&trailing, 1 << 16),
            Err(VerifyError::ZlibTrailingData { count: 1 })
        );
        assert_eq!(
            inflate(&z, 999),
            Err(VerifyError::InflateLimitExceeded { limit: 999 })
        );
        assert_eq!(inflate(&z, 1000).unwrap().len(), 1000);
        assert!(matches!(
            inflate(&[0x78, 0x9c, 0xff], 1 << 16),
            Err(VerifyError::InflateFailed { .. })
        ));
        assert!(matches!(
            inflate(&[], 1 << 16),
            Err(VerifyError::InflateFailed { .. })
        ));
    }

    #[test]
    fn a_bomb_stops_at_the_cap() {
        let bomb = compress(&vec![0u8; 8 << 20]);
        assert!(bomb.len() < 64 * 1024);
        assert_eq!(
            inflate(&bomb, 64 * 1024),
            Err(VerifyError::InflateLimitExceeded { limit: 64 * 1024 })
        );
    }
}
