//! Stage: zlib (RFC 1950) compression of the COSE bytes.
//!
//! The backend is pinned (`flate2` with the pure-Rust `miniz_oxide`) and so is
//! the level ([`LEVEL`]), so the same input always compresses to the same bytes.
//! Inflation is capped: it stops as soon as the output would pass the limit, so a
//! zlib bomb costs at most the limit in memory and a few microseconds per KiB.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

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
pub fn inflate(data: &[u8], limit: usize) -> Result<Vec<u8>, VerifyError> {
    let mut out = Vec::new();
    inflate_reusing(data, limit, &mut out)?;
    Ok(out)
}

/// Inflates one raw DEFLATE stream (no zlib header, as in a SMART Health
/// Card's JWS payload) into at most `limit` bytes, with the same checks as
/// [`inflate`].
#[cfg(feature = "shc")]
pub(crate) fn inflate_raw(data: &[u8], limit: usize) -> Result<Vec<u8>, VerifyError> {
    thread_local! {
        static RAW: std::cell::RefCell<Decompress> = std::cell::RefCell::new(Decompress::new(false));
    }
    RAW.with(|cell| match cell.try_borrow_mut() {
        Ok(mut d) => {
            d.reset(false);
            inflate_with(&mut d, data, limit)
        }
        Err(_) => inflate_with(&mut Decompress::new(false), data, limit),
    })
}

#[cfg(feature = "shc")]
fn inflate_with(d: &mut Decompress, data: &[u8], limit: usize) -> Result<Vec<u8>, VerifyError> {
    let mut out = Vec::new();
    inflate_into(d, data, limit, &mut out)?;
    Ok(out)
}

/// [`inflate`] into `out` (cleared first), reusing its allocation when it is
/// no larger than the cap allows.
pub(crate) fn inflate_reusing(
    data: &[u8],
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<(), VerifyError> {
    // One decompressor per thread, reset between uses: creating one zeroes its
    // whole state (tens of KiB), which cost more than inflating a certificate.
    thread_local! {
        static INFLATER: std::cell::RefCell<Decompress> = std::cell::RefCell::new(Decompress::new(true));
    }
    INFLATER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut d) => {
            d.reset(true);
            inflate_into(&mut d, data, limit, out)
        }
        // Re-entered on this thread (never in practice): use a fresh one.
        Err(_) => inflate_into(&mut Decompress::new(true), data, limit, out),
    })
}

fn inflate_into(
    d: &mut Decompress,
    data: &[u8],
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<(), VerifyError> {
    // Start small; grow geometrically up to limit + 1 (one byte over the cap
    // proves the stream is too large). A reused buffer never offers more room
    // than that, so the outcome is the same as with a fresh one.
    out.clear();
    if out.capacity() > limit.saturating_add(1) {
        *out = Vec::new();
    }
    let initial = (data.len() * 4).clamp(256, limit.saturating_add(1));
    if out.capacity() < initial {
        out.reserve_exact(initial);
    }
    loop {
        let consumed = usize::try_from(d.total_in()).unwrap_or(usize::MAX);
        let rest = data.get(consumed..).unwrap_or_default();
        if out.len() == out.capacity() {
            let room = out
                .capacity()
                .saturating_mul(2)
                .min(limit.saturating_add(1));
            if room <= out.len() {
                return Err(VerifyError::InflateLimitExceeded { limit });
            }
            out.reserve_exact(room - out.len());
        }
        let before_in = d.total_in();
        let before_out = d.total_out();
        let status = d
            .decompress_vec(rest, out, FlushDecompress::Finish)
            .map_err(|_| VerifyError::InflateFailed {
                reason: format!("invalid deflate data near input byte {}", d.total_in()),
            })?;
        if out.len() > limit {
            return Err(VerifyError::InflateLimitExceeded { limit });
        }
        match status {
            Status::StreamEnd => {
                let used = usize::try_from(d.total_in()).unwrap_or(usize::MAX);
                return match data.len().saturating_sub(used) {
                    0 => Ok(()),
                    count => Err(VerifyError::ZlibTrailingData { count }),
                };
            }
            _ if d.total_in() == before_in
                && d.total_out() == before_out
                && out.len() < out.capacity() =>
            {
                return Err(VerifyError::InflateFailed {
                    reason: "the stream ends before its final block".to_owned(),
                });
            }
            _ => {}
        }
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
