//! ZXing's hybrid (local block) binarizer, computing exactly the bits of
//! `rxing`'s `HybridBinarizer` but several times faster: that one sets each
//! dark pixel with a separate, bounds-checked `BitMatrix::set` and first copies
//! the image into its luminance source, which made binarising most of a
//! decoder pass. A unit test compares the two bit for bit.
//!
//! The algorithm (ZXing's): the image is cut into 8×8 blocks; each block gets
//! a black point (the mean of its pixels, or, for a block of nearly uniform
//! pixels, half its minimum, raised to its neighbours' black points when its
//! minimum is below theirs); each block is then thresholded at the mean black
//! point of the 5×5 blocks around it. Where the last block of a row or column
//! is shifted back to stay inside the image, it overlaps the one before it,
//! and a pixel is dark when either block calls it dark.

use rxing::common::{BitArray, BitMatrix};

use super::GreyImage;

/// Block side in pixels.
const BLOCK: usize = 8;
/// Blocks whose pixel values span no more than this are "uniform".
const MIN_DYNAMIC_RANGE: u8 = 24;
/// Images narrower or shorter than this (5 blocks) are binarised by the
/// caller with ZXing's global histogram instead.
pub(super) const MIN_SIDE: usize = BLOCK * 5;
/// Bits per word of `BitMatrix`.
const WORD: usize = usize::BITS as usize;

/// The hybrid-binarised image (dark pixels set), or `None` when a side is
/// under [`MIN_SIDE`].
pub(super) fn hybrid(img: &GreyImage) -> Option<BitMatrix> {
    let (width, height) = (img.width as usize, img.height as usize);
    if width < MIN_SIDE || height < MIN_SIDE || img.pixels.len() != width * height {
        return None;
    }
    let sub_w = width.div_ceil(BLOCK);
    let sub_h = height.div_ceil(BLOCK);
    let black = black_points(&img.pixels, width, height, sub_w, sub_h);
    let thresholds = block_thresholds(&black, sub_w, sub_h);

    // Each row's dark pixels as bytes, 8 pixels a byte (least significant
    // bit first), padded to whole `BitMatrix` words.
    let row_words = width.div_ceil(WORD);
    let row_bytes = row_words * (WORD / 8);
    let mut bits = vec![0u8; row_bytes * height];
    let max_x = width - BLOCK;
    let max_y = height - BLOCK;
    // Per pixel column, the threshold of the current block row (the larger of
    // two where the last block overlaps the one before it).
    let mut column_thresholds = vec![0u8; width.next_multiple_of(8)];
    // Per pixel of a row: 1 where dark.
    let mut dark = vec![0u8; width.next_multiple_of(8)];
    for (by, row_thresholds) in thresholds.chunks_exact(sub_w).enumerate() {
        column_thresholds.fill(0);
        for (bx, &threshold) in row_thresholds.iter().enumerate() {
            let x0 = (bx * BLOCK).min(max_x);
            if let Some(columns) = column_thresholds.get_mut(x0..x0 + BLOCK) {
                for c in columns {
                    *c = (*c).max(threshold);
                }
            }
        }
        let y0 = (by * BLOCK).min(max_y);
        for y in y0..y0 + BLOCK {
            let (Some(pixels), Some(out)) = (
                img.pixels.get(y * width..(y + 1) * width),
                bits.get_mut(y * row_bytes..(y + 1) * row_bytes),
            ) else {
                continue;
            };
            // Comparison with <=, so that black (0) stays dark even at
            // threshold 0.
            for ((d, &p), &t) in dark.iter_mut().zip(pixels).zip(&column_thresholds) {
                *d = u8::from(p <= t);
            }
            for (o, eight) in out.iter_mut().zip(dark.chunks_exact(8)) {
                *o |= pack8(eight);
            }
        }
    }

    let mut matrix = BitMatrix::new(img.width, img.height).ok()?;
    let mut row = BitArray::with_size(width);
    for (y, bytes) in bits.chunks_exact(row_bytes).enumerate() {
        for (i, word) in bytes.chunks_exact(WORD / 8).enumerate() {
            let word = <[u8; WORD / 8]>::try_from(word).map_or(0, usize::from_le_bytes);
            row.setBulk(i * WORD, word);
        }
        matrix.setRow(u32::try_from(y).ok()?, &row);
    }
    Some(matrix)
}

/// Eight bytes of 0 or 1 as the bits of one byte, the first byte the least
/// significant bit: one multiplication gathers bit 8i into bit 56 + i (the
/// partial products fall on distinct bits, so nothing carries).
fn pack8(eight: &[u8]) -> u8 {
    let v = <[u8; 8]>::try_from(eight).map_or(0, u64::from_le_bytes) & 0x0101_0101_0101_0101;
    (v.wrapping_mul(0x0102_0408_1020_4080) >> 56) as u8
}

/// Each block's black point, row by row (`sub_w × sub_h`).
fn black_points(
    pixels: &[u8],
    width: usize,
    height: usize,
    sub_w: usize,
    sub_h: usize,
) -> Vec<u32> {
    let (max_x, max_y) = (width - BLOCK, height - BLOCK);
    let mut black = vec![0u32; sub_w * sub_h];
    // Per pixel column, over the 8 rows of the current block row: sum,
    // minimum, maximum.
    let mut sums = vec![0u16; width];
    let mut mins = vec![0u8; width];
    let mut maxs = vec![0u8; width];
    for by in 0..sub_h {
        let y0 = (by * BLOCK).min(max_y);
        sums.fill(0);
        mins.fill(u8::MAX);
        maxs.fill(u8::MIN);
        for y in y0..y0 + BLOCK {
            let Some(row) = pixels.get(y * width..(y + 1) * width) else {
                continue;
            };
            for (((sum, min), max), &p) in sums
                .iter_mut()
                .zip(mins.iter_mut())
                .zip(maxs.iter_mut())
                .zip(row)
            {
                *sum += u16::from(p);
                *min = (*min).min(p);
                *max = (*max).max(p);
            }
        }
        for bx in 0..sub_w {
            let x0 = (bx * BLOCK).min(max_x);
            let columns = x0..x0 + BLOCK;
            let sum: u32 = sums
                .get(columns.clone())
                .map_or(0, |s| s.iter().map(|v| u32::from(*v)).sum());
            let min = mins
                .get(columns.clone())
                .and_then(|m| m.iter().min().copied())
                .unwrap_or(0);
            let max = maxs
                .get(columns)
                .and_then(|m| m.iter().max().copied())
                .unwrap_or(0);
            let mut average = sum >> 6;
            if max.saturating_sub(min) <= MIN_DYNAMIC_RANGE {
                // A uniform block is taken for background: half its minimum,
                // unless its neighbours (above, left, above left) have a
                // higher black point than its minimum.
                average = u32::from(min) / 2;
                if by > 0 && bx > 0 {
                    let at = |x: usize, y: usize| black.get(y * sub_w + x).copied().unwrap_or(0);
                    let neighbours = (at(bx, by - 1) + 2 * at(bx - 1, by) + at(bx - 1, by - 1)) / 4;
                    if u32::from(min) < neighbours {
                        average = neighbours;
                    }
                }
            }
            if let Some(b) = black.get_mut(by * sub_w + bx) {
                *b = average;
            }
        }
    }
    black
}

/// Each block's threshold: the mean black point of the 5×5 blocks around it
/// (moved inwards at the edges), at most 255.
fn block_thresholds(black: &[u32], sub_w: usize, sub_h: usize) -> Vec<u8> {
    // Sums of 5 horizontally adjacent black points, centred on each block
    // from the third to the third last.
    let mut across = vec![0u32; sub_w * sub_h];
    for (row, out) in black
        .chunks_exact(sub_w)
        .zip(across.chunks_exact_mut(sub_w))
    {
        for (o, window) in out.iter_mut().skip(2).zip(row.windows(5)) {
            *o = window.iter().sum();
        }
    }
    let mut thresholds = vec![0u8; sub_w * sub_h];
    for by in 0..sub_h {
        let top = by.clamp(2, sub_h - 3);
        for bx in 0..sub_w {
            let left = bx.clamp(2, sub_w - 3);
            let sum: u32 = (top - 2..=top + 2)
                .map(|y| across.get(y * sub_w + left).copied().unwrap_or(0))
                .sum();
            if let Some(t) = thresholds.get_mut(by * sub_w + bx) {
                *t = u8::try_from(sum / 25).unwrap_or(u8::MAX);
            }
        }
    }
    thresholds
}

#[cfg(test)]
mod tests {
    use super::*;
    use rxing::common::HybridBinarizer;
    use rxing::{Binarizer, Luma8LuminanceSource};

    fn rxing_bits(img: &GreyImage) -> BitMatrix {
        let source = Luma8LuminanceSource::new(img.pixels.clone(), img.width, img.height).unwrap();
        HybridBinarizer::new(source)
            .get_black_matrix()
            .unwrap()
            .clone()
    }

    /// A small deterministic generator (xorshift).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// Images with uniform areas at several levels (so that the neighbour
    /// rule for uniform blocks applies), sharp edges, gradients and noise.
    fn image(rng: &mut Rng, width: u32, height: u32) -> GreyImage {
        let kind = rng.below(4);
        let (a, b) = (rng.below(256) as i64, rng.below(256) as i64);
        let noise = rng.below(40) as i64;
        let cell = 1 + rng.below(12) as u32;
        let seed = rng.next();
        let mut pixels = Vec::with_capacity((width * height) as usize);
        for y in 0..height {
            for x in 0..width {
                let base = match kind {
                    0 => {
                        let h = (u64::from(x / cell) * 31 + u64::from(y / cell) * 17) ^ seed;
                        if h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 63 == 0 {
                            a
                        } else {
                            b
                        }
                    }
                    1 => a + (b - a) * i64::from(x + y) / i64::from(width + height),
                    2 if x > width / 3 && x < 2 * width / 3 && y > height / 4 => a,
                    2 => b,
                    _ => rng.below(256) as i64,
                };
                let n = if noise == 0 {
                    0
                } else {
                    rng.below(noise as u64 * 2 + 1) as i64 - noise
                };
                pixels.push((base + n).clamp(0, 255) as u8);
            }
        }
        GreyImage::new(width, height, pixels).unwrap()
    }

    #[test]
    fn same_bits_as_rxing() {
        let mut rng = Rng(0x5ca4_b1a5);
        let mut sizes = vec![(40, 40), (41, 40), (40, 47), (64, 64), (65, 71), (127, 129)];
        for _ in 0..60 {
            sizes.push((40 + rng.below(200) as u32, 40 + rng.below(200) as u32));
        }
        for (w, h) in sizes {
            for _ in 0..3 {
                let img = image(&mut rng, w, h);
                assert_eq!(hybrid(&img).unwrap(), rxing_bits(&img), "{w}×{h}");
            }
        }
    }

    #[test]
    fn small_images_are_left_to_the_caller() {
        assert!(hybrid(&GreyImage::new(39, 100, vec![0; 3900]).unwrap()).is_none());
        assert!(hybrid(&GreyImage::new(100, 39, vec![0; 3900]).unwrap()).is_none());
    }
}
