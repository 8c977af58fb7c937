//! Choosing the QR mask: the same mask the `qrcode` crate's rule picks,
//! scored on a flat grid of booleans.
//!
//! `qrcode::QrCode::with_bits` applies all eight masks and scores each with
//! the penalty rules of ISO/IEC 18004 §7.8.3 as that crate implements them
//! (its finder-pattern rule and its unrounded balance rule included). Its
//! scoring walks a `Module` enum through bounds-checked signed lookups and a
//! boxed closure per window, which is 99 % of the time from text to matrix.
//! Here each masked candidate is copied once into row-major and column-major
//! byte grids and the same four rules are computed over rows only, with a
//! rolling window for the finder pattern. The mask chosen, and so every module,
//! is identical (ties go to the first mask in the crate's order, as its
//! `min_by_key` does; totals wrap at 16 bits as its release build does);
//! `tests::same_matrix_as_the_qrcode_crate` checks a corpus of texts.

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::Color;

/// The crate's order of masks (`ALL_PATTERNS_QR`): ties keep the first.
const MASKS: [MaskPattern; 8] = [
    MaskPattern::Checkerboard,
    MaskPattern::HorizontalLines,
    MaskPattern::VerticalLines,
    MaskPattern::DiagonalLines,
    MaskPattern::LargeCheckerboard,
    MaskPattern::Fields,
    MaskPattern::Diamonds,
    MaskPattern::Meadow,
];

/// `#.###.#` as the low seven bits of a window, oldest module highest.
const FINDER: u32 = 0b101_1101;

/// Applies the lowest-penalty mask to a drawn canvas (functional patterns and
/// data) and returns its modules row by row, `true` for dark.
pub(super) fn apply_best_mask(canvas: &Canvas, width: usize) -> Vec<bool> {
    let mut best: Option<(u16, Vec<u8>)> = None;
    let mut columns = vec![0u8; width * width];
    for pattern in MASKS {
        let mut candidate = canvas.clone();
        candidate.apply_mask(pattern);
        let rows: Vec<u8> = candidate
            .into_colors()
            .into_iter()
            .map(|c| u8::from(c == Color::Dark))
            .collect();
        transpose(&rows, &mut columns, width);
        let score = penalty(&rows, &columns, width);
        if best.as_ref().is_none_or(|(s, _)| score < *s) {
            best = Some((score, rows));
        }
    }
    best.map(|(_, rows)| rows.into_iter().map(|d| d == 1).collect())
        .unwrap_or_default()
}

fn transpose(rows: &[u8], columns: &mut [u8], width: usize) {
    for (y, row) in rows.chunks_exact(width).enumerate() {
        for (column, &dark) in columns.chunks_exact_mut(width).zip(row) {
            if let Some(slot) = column.get_mut(y) {
                *slot = dark;
            }
        }
    }
}

/// The crate's total: N1 (runs) and N3 (finder-like patterns) over rows and
/// columns, N2 (2×2 blocks) and N4 (balance), summed modulo 2^16.
fn penalty(rows: &[u8], columns: &[u8], width: usize) -> u16 {
    let (runs_h, finders_h) = line_scores(rows, width);
    let (runs_v, finders_v) = line_scores(columns, width);
    let total =
        runs_h + runs_v + blocks(rows, width) + 40 * (finders_h + finders_v) + balance(rows);
    // Each direction's finder score has 360 (the three finder patterns'
    // own rows) taken off, in u16 arithmetic.
    (total.wrapping_sub(720) & 0xFFFF) as u16
}

/// Run penalty (a run of L ≥ 5 equal modules scores L − 2) and the count of
/// finder-like windows that the crate scores, over each line of `grid`.
/// Branch-free in the module loop: runs and colours are random, so branches
/// on them would be mispredicted half the time.
fn line_scores(grid: &[u8], width: usize) -> (u64, u64) {
    let mut runs = 0u64;
    let mut finders = 0;
    for line in grid.chunks_exact(width) {
        let Some((&first, rest)) = line.split_first() else {
            continue;
        };
        let mut previous = first;
        let mut run = 1u64;
        let mut window = u32::from(first);
        for (k, &dark) in rest.iter().enumerate() {
            let same = u64::from(dark == previous);
            // A run that ends here scores run − 2 when it is 5 or longer.
            runs += (1 - same) * u64::from(run >= 5) * run.saturating_sub(2);
            run = run * same + 1;
            previous = dark;
            window = ((window << 1) | u32::from(dark)) & 0x7F;
            // `k + 1` is this module's index; the window starts 6 before it.
            if window == FINDER && k >= 5 && isolated(line, k - 5) {
                finders += 1;
            }
        }
        runs += u64::from(run >= 5) * run.saturating_sub(2);
    }
    (runs, finders)
}

/// The crate's rule for a finder-like window starting at `j`: it counts when
/// the four modules before it, or the four after it, hold no dark module
/// (modules outside the code count as light).
fn isolated(line: &[u8], j: usize) -> bool {
    let any_dark = |from: usize, to: usize| {
        line.get(from..to.min(line.len()))
            .is_some_and(|s| s.contains(&1))
    };
    !any_dark(j.saturating_sub(4), j) || !any_dark(j + 7, j + 11)
}

/// 3 points per 2×2 block of one colour, blocks overlapping.
fn blocks(rows: &[u8], width: usize) -> u64 {
    let mut same = 0u64;
    let mut lines = rows.chunks_exact(width);
    let Some(mut above) = lines.next() else {
        return 0;
    };
    for below in lines {
        for (top, bottom) in above.windows(2).zip(below.windows(2)) {
            if let ([a, b], [c, d]) = (top, bottom) {
                same += u64::from(((a ^ b) | (b ^ c) | (c ^ d)) == 0);
            }
        }
        above = below;
    }
    3 * same
}

/// Deviation of the dark share from 50 %, in the crate's unrounded form.
fn balance(rows: &[u8]) -> u64 {
    let dark: u64 = rows.iter().map(|&d| u64::from(d)).sum();
    let ratio = dark * 200 / (rows.len().max(1) as u64);
    ratio.abs_diff(100)
}

#[cfg(test)]
mod tests {
    use super::super::{matrix, EccLevel, RenderOptions};

    /// A deterministic corpus of alphanumeric texts of many lengths.
    fn corpus() -> Vec<String> {
        const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut texts = vec![
            "TC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0B".to_owned(),
            "A".to_owned(),
            "0".repeat(400),
            "-".repeat(900),
        ];
        for length in [
            1, 7, 20, 25, 47, 90, 154, 230, 311, 433, 470, 600, 800, 1041,
        ] {
            for _ in 0..4 {
                texts.push(
                    (0..length)
                        .map(|_| char::from(ALPHABET[(next() % 45) as usize]))
                        .collect(),
                );
            }
        }
        texts
    }

    #[test]
    fn same_matrix_as_the_qrcode_crate() {
        let mut checked = 0;
        for text in corpus() {
            for ecc in [EccLevel::L, EccLevel::M, EccLevel::Q, EccLevel::H] {
                let options = RenderOptions {
                    ecc,
                    max_version: 40,
                    ..RenderOptions::default()
                };
                let ours = matrix(&text, &options).unwrap();
                let mut bits =
                    qrcode::bits::Bits::new(qrcode::Version::Normal(i16::from(ours.version())));
                bits.push_alphanumeric_data(text.as_bytes()).unwrap();
                bits.push_terminator(ecc.to_qr()).unwrap();
                let theirs = qrcode::QrCode::with_bits(bits, ecc.to_qr()).unwrap();
                assert_eq!(ours.width(), theirs.width());
                let theirs_width = theirs.width();
                assert_eq!(theirs_width * theirs_width, ours.modules().len());
                let theirs: Vec<bool> = theirs
                    .into_colors()
                    .into_iter()
                    .map(|c| c == qrcode::Color::Dark)
                    .collect();
                assert_eq!(
                    ours.modules(),
                    theirs.as_slice(),
                    "{} characters at {ecc:?}",
                    text.len()
                );
                checked += 1;
            }
        }
        assert!(checked > 200);
    }
}
