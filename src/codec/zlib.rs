//! Stage: zlib (RFC 1950) compression of the COSE bytes.
//!
//! The compressor is pinned (`zlib-rs` with feature `issue`, else `flate2`'s
//! `miniz_oxide`) and so is the level ([`LEVEL`]), so the same input always
//! compresses to the same bytes. Inflation (every build: the crate's own raw
//! inflater, `codec::inflate`, with the header, preset dictionary and
//! Adler-32 handled here) is capped: it stops as soon as the output would pass
//! the limit, so a zlib bomb costs at most the limit in memory and a few
//! microseconds per KiB.
//!
//! With feature `issue`, inputs of at most [`SMALL_INPUT_MAX`] bytes (every
//! realistic certificate) go through this crate's own single-block deflater,
//! one per thread, which writes the same bytes as `zlib-rs` at level 9 with
//! window 15 and memory level 8 but does not clear zlib's 128 KiB hash table
//! and 6 KiB symbol buffer for every input (see [`SMALL_INPUT_MAX`]).

use flate2::{Compress, Compression, FlushCompress, Status};

#[cfg(feature = "issue")]
use super::deflate::SmallDeflate;
use super::dictionary;
use super::inflate::{self, Failure};
use crate::VerifyError;

/// The compression level (0–9). FORMAT.md pins it for deterministic output.
pub const LEVEL: u32 = 9;

/// The default cap on inflated size: 64 KiB.
pub const DEFAULT_INFLATE_LIMIT: usize = 64 * 1024;

/// The largest input the small compressor takes (feature `issue`): the
/// whole input fits zlib's window with room for a full lookahead and gives at
/// most 2,046 symbols, so zlib writes it as one block and never slides its
/// window; the small compressor (`codec/deflate.rs`) writes the same bytes as
/// level 9, window 15, memory level 8 (tests/library/zlib_equality.rs compares
/// them). Longer inputs go through a compressor with zlib's default settings.
pub const SMALL_INPUT_MAX: usize = 2_046;

#[cfg(feature = "issue")]
const _: () = assert!(SMALL_INPUT_MAX <= super::deflate::MAX_INPUT);

/// The zlib header for deflate with a 32 KiB window at levels 7–9
/// (CMF 0x78: method 8, CINFO 7; FLG 0xDA: FLEVEL 3, check bits).
#[cfg(feature = "issue")]
const HEADER: [u8; 2] = [0x78, 0xda];

/// Compresses `data` as one zlib stream at [`LEVEL`].
pub fn compress(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    compress_into(data, &mut out);
    out
}

/// Appends the zlib stream of `data` to `out` (the issuing path: no
/// intermediate buffer).
pub(crate) fn compress_into(data: &[u8], out: &mut Vec<u8>) {
    #[cfg(feature = "issue")]
    if data.len() <= SMALL_INPUT_MAX {
        thread_local! {
            static DEFLATER: std::cell::RefCell<Option<SmallDeflate>> =
                const { std::cell::RefCell::new(None) };
        }
        let done = DEFLATER.with(|cell| match cell.try_borrow_mut() {
            Ok(mut slot) => {
                let d = slot.get_or_insert_with(SmallDeflate::new);
                small_compress(d, data, out)
            }
            // Re-entered on this thread (never in practice): use a fresh one.
            Err(_) => small_compress(&mut SmallDeflate::new(), data, out),
        });
        if done {
            return;
        }
    }
    let mut c = Compress::new(Compression::new(LEVEL), true);
    out.extend_from_slice(&compress_reusing(&mut c, data));
}

/// Header, raw deflate, Adler-32, appended to `out`. `false` (with `out` as
/// it was) if the input is too long for the small compressor.
#[cfg(feature = "issue")]
fn small_compress(d: &mut SmallDeflate, data: &[u8], out: &mut Vec<u8>) -> bool {
    let start = out.len();
    // One block of at most 2 KiB: at most 5 bytes more than the data, plus
    // header and trailer.
    out.reserve(data.len() + 16);
    out.extend_from_slice(&HEADER);
    if !d.compress(data, out) {
        out.truncate(start);
        return false;
    }
    out.extend_from_slice(&zlib_rs::adler32::adler32(1, data).to_be_bytes());
    true
}

/// Compresses `data` with a reusable `flate2` compressor (reset first) at
/// zlib's default window and memory level. **Feature `hazmat`**: it takes a
/// dependency's type (flate2's `Compress`), so it is not part of the stable
/// API; the benchmarks use it to compare compression levels, and the tests
/// as the reference [`compress`] must equal.
#[cfg(feature = "hazmat")]
pub fn compress_with(c: &mut Compress, data: &[u8]) -> Vec<u8> {
    compress_reusing(c, data)
}

/// Compresses `data` with a reusable compressor (reset first).
fn compress_reusing(c: &mut Compress, data: &[u8]) -> Vec<u8> {
    c.reset();
    finish(c, data)
}

/// Compresses all of `data` with `c` as it stands (fresh, reset, or given a
/// preset dictionary) and ends the stream.
pub(crate) fn finish(c: &mut Compress, data: &[u8]) -> Vec<u8> {
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
/// Every build inflates with the crate's raw inflater (`codec::inflate`) and
/// checks the RFC 1950 header and Adler-32 here, so the verify-only build, the
/// WebAssembly verifier and the full build give the same errors.
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
    // One set of decoding tables per thread: nothing to clear or allocate
    // per stream.
    thread_local! {
        static TABLES: std::cell::RefCell<Box<inflate::Tables>> =
            std::cell::RefCell::new(inflate::Tables::new());
    }
    // The dictionary, then at most limit + 1 bytes: one byte over the cap
    // proves the stream is too large. A reused buffer larger than that is
    // dropped; the output starts from a guess and grows geometrically, never
    // past the cap.
    let most = dictionary.len().saturating_add(limit).saturating_add(1);
    out.clear();
    if out.capacity() > most {
        *out = Vec::new();
    }
    out.extend_from_slice(dictionary);
    let result = TABLES.with(|cell| match cell.try_borrow_mut() {
        Ok(mut tables) => inflate::inflate(&mut tables, input, out, most),
        // Re-entered on this thread (never in practice): use fresh tables.
        Err(_) => inflate::inflate(&mut inflate::Tables::new(), input, out, most),
    });
    match result {
        Ok(read) if out.len() - dictionary.len() <= limit => {
            out.drain(..dictionary.len());
            Ok(read)
        }
        Ok(_) | Err(Failure::Full) => Err(VerifyError::InflateLimitExceeded { limit }),
        Err(Failure::Truncated) => Err(failed("the stream ends before its final block")),
        Err(Failure::Corrupt) => Err(failed("corrupt deflate data")),
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
        let _ = compress(b"something else first");
        assert_eq!(compress(&data), a);
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
