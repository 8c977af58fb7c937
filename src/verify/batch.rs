//! Batch Ed25519 verification with the strict pre-checks it otherwise skips.

#[cfg(test)]
use curve25519_dalek::edwards::CompressedEdwardsY;
use curve25519_dalek::scalar::Scalar;
use ed25519_dalek::{Signature, VerifyingKey};

use crate::trust::TrustedKey;

/// Below this many signatures a failed batch is checked one by one rather
/// than split further.
const SPLIT_MIN: usize = 4;

/// One signature to check.
pub(super) struct Item<'a> {
    /// Its position in the caller's input.
    pub index: usize,
    /// The signed bytes.
    pub message: &'a [u8],
    /// The signature.
    pub signature: &'a [u8; 64],
    /// The one trusted key with the signature's kid.
    pub key: &'a TrustedKey,
}

/// The checks `verify_strict` makes on a signature and batch verification does
/// not: S below the group order, R canonically encoded and not of small order.
/// (Trusted public keys were checked for small order when the store loaded.)
///
/// R is checked on its bytes, without decompressing it: an encoding is
/// canonical when y < p, and the only canonical-y encodings of small-order
/// points, or with the sign bit set on x = 0, are the ten in
/// [`small_order_encodings`]. An R that is no point at all fails the batch, and
/// the split then finds it.
pub(super) fn precheck(signature: &[u8; 64]) -> bool {
    let (r, s) = signature.split_at(32);
    let (Ok(r), Ok(s)) = (<[u8; 32]>::try_from(r), <[u8; 32]>::try_from(s)) else {
        return false;
    };
    bool::from(Scalar::from_canonical_bytes(s).is_some())
        && y_is_canonical(&r)
        && !small_order_encodings().contains(&r)
}

/// Whether the y coordinate (the encoding without its sign bit) is below
/// p = 2^255 - 19.
fn y_is_canonical(encoding: &[u8; 32]) -> bool {
    let mut y = *encoding;
    if let Some(top) = y.last_mut() {
        *top &= 0x7f;
    }
    // y >= p iff y is 2^255 - 19 ..= 2^255 - 1: the top 31 bytes all 0xff/0x7f
    // and the lowest byte at least 0xed.
    let (low, high) = y.split_first().unwrap_or((&0, &[]));
    let high_is_max = high
        .iter()
        .enumerate()
        .all(|(i, &b)| b == if i + 1 == high.len() { 0x7f } else { 0xff });
    !(high_is_max && *low >= 0xed)
}

/// The encodings with canonical y of the eight small-order points, plus the
/// two points with x = 0 written with the sign bit set.
fn small_order_encodings() -> &'static [[u8; 32]] {
    static LIST: std::sync::OnceLock<Vec<[u8; 32]>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        let mut list: Vec<[u8; 32]> = curve25519_dalek::constants::EIGHT_TORSION
            .iter()
            .map(|p| p.compress().0)
            .collect();
        for x_zero in [
            curve25519_dalek::edwards::EdwardsPoint::default()
                .compress()
                .0,
            list.get(4).copied().unwrap_or_default(),
        ] {
            let mut signed = x_zero;
            if let Some(top) = signed.last_mut() {
                *top |= 0x80;
            }
            list.push(signed);
        }
        list
    })
}

/// Checks every item's signature; returns `(index, valid)` for each. A failed
/// batch is split in halves so that a few bad signatures cost a few extra
/// batches, not a fall back to one-by-one verification of everything.
pub(super) fn verify(items: &[Item<'_>]) -> Vec<(usize, bool)> {
    let mut out = Vec::with_capacity(items.len());
    check(items, &mut out);
    out
}

fn check(items: &[Item<'_>], out: &mut Vec<(usize, bool)>) {
    if items.is_empty() {
        return;
    }
    if items.len() < SPLIT_MIN {
        for item in items {
            out.push((
                item.index,
                item.key.key.verify_strict(item.message, item.signature),
            ));
        }
        return;
    }
    let messages: Vec<&[u8]> = items.iter().map(|i| i.message).collect();
    let signatures: Vec<Signature> = items
        .iter()
        .map(|i| Signature::from_bytes(i.signature))
        .collect();
    let keys: Vec<VerifyingKey> = items.iter().map(|i| *i.key.key.verifying_key()).collect();
    if ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok() {
        out.extend(items.iter().map(|i| (i.index, true)));
    } else {
        let (a, b) = items.split_at(items.len() / 2);
        check(a, out);
        check(b, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition the fast check must match: decompress, recompress, compare,
    /// and test the order. `None` for bytes that are no point at all: whichever
    /// way the fast check sends them, `verify_strict` ends up refusing them
    /// (directly, or after the failed batch is split).
    fn slow(r: [u8; 32]) -> Option<bool> {
        CompressedEdwardsY(r)
            .decompress()
            .map(|point| point.compress().0 == r && !point.is_small_order())
    }

    #[test]
    fn fast_r_check_matches_the_definition() {
        let mut special: Vec<[u8; 32]> = small_order_encodings().to_vec();
        // Every y in p..2^255 with both sign bits, and y = 0..40.
        for low in 0u8..=0xff {
            let mut y = [0xffu8; 32];
            y[0] = low;
            y[31] = 0x7f;
            special.push(y);
            y[31] = 0xff;
            special.push(y);
            let mut small = [0u8; 32];
            small[0] = low;
            special.push(small);
            small[31] = 0x80;
            special.push(small);
        }
        // Pseudo-random encodings (a simple LCG; no RNG dependency needed).
        let mut state = 0x1234_5678_9abc_def0u64;
        for _ in 0..2000 {
            let mut r = [0u8; 32];
            for b in r.iter_mut() {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                *b = (state >> 56) as u8;
            }
            special.push(r);
        }
        let mut checked = 0;
        for r in special {
            let fast = y_is_canonical(&r) && !small_order_encodings().contains(&r);
            if let Some(slow) = slow(r) {
                assert_eq!(fast, slow, "R = {}", hex::encode(r));
                checked += 1;
            }
        }
        assert!(checked > 1000, "only {checked} encodings were points");
        assert_eq!(small_order_encodings().len(), 10);
    }
}
