//! One bounded decoder pass: binarise, find finder patterns, sample and decode
//! the most plausible triples.
//!
//! This drives `rxing`'s QR building blocks (a port of zxing-cpp's detector)
//! directly rather than through its readers, because those do unbounded work
//! on hostile images: every finder pattern is compared with every earlier one
//! while searching, the fallback (ZXing Java) detector tries every triple of
//! finder patterns (cubic), and every plausible triple is sampled and put
//! through error correction. Here each step has a fixed limit (see the module
//! docs of [`crate::scan`]).

use rxing::common::cpp_essentials::{
    ConcentricPattern, FindLeftGuardBy, FixedPattern, IsPattern, LocateConcentricPattern,
    PatternRow, PatternType, PatternView,
};
use rxing::common::{BitMatrix, DetectorRXingResult, HybridBinarizer};
use rxing::qrcode::cpp_port::decoder::Decode;
use rxing::qrcode::cpp_port::detector::{GenerateFinderPatternSets, SampleQR};
use rxing::{BinaryBitmap, Luma8LuminanceSource, Point};

use super::{binarize, GreyImage, ScanReport, MAX_FINDER_PATTERNS, MAX_FINDER_PATTERNS_KEPT};

/// The finder pattern's module widths: dark, light, dark (3), light, dark.
const PATTERN: FixedPattern<5, 7, false> = FixedPattern::new([1, 1, 3, 1, 1]);

/// Every third row is searched for finder patterns (zxing-cpp's "try
/// harder"): the dark centre of a finder pattern is 3 modules tall, so codes
/// down to one pixel per module are seen.
const ROW_STEP: u32 = 3;

/// Runs one pass over `img` in both polarities (dark on light first; light on
/// dark only when that finds nothing), appending new texts to `found`.
pub(super) fn read(img: &GreyImage, report: &mut ScanReport, found: &mut Vec<String>) {
    if img.width == 0 || img.height == 0 || report.sets_left() == 0 {
        return;
    }
    report.passes += 1;
    let budget = report.sets_left();
    // A panic inside the decoder (a large port of ZXing) is contained and
    // counts as "nothing found".
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut bits = match binarize::hybrid(img) {
            Some(bits) => bits,
            // Under 40 pixels a side, ZXing's hybrid binarizer falls back to
            // its global histogram one.
            None => {
                let source =
                    Luma8LuminanceSource::new(img.pixels.clone(), img.width, img.height).ok()?;
                let bitmap = BinaryBitmap::new(HybridBinarizer::new(source));
                bitmap.get_black_matrix().clone()
            }
        };
        let mut texts = Vec::new();
        let mut local = ScanReport {
            sets_budget: budget,
            ..ScanReport::default()
        };
        read_matrix(&bits, &mut local, &mut texts);
        if texts.is_empty() && local.sets_left() > 0 {
            bits.flip_self();
            read_matrix(&bits, &mut local, &mut texts);
        }
        Some((texts, local))
    }));
    if let Ok(Some((texts, local))) = outcome {
        report.finder_patterns += local.finder_patterns;
        report.sets_sampled += local.sets_sampled;
        report.truncated |= local.truncated;
        for text in texts {
            if !found.contains(&text) {
                found.push(text);
            }
        }
    } else {
        report.decoder_failures += 1;
    }
}

/// Finds codes in one binarised image (dark modules set), spending at most
/// `report.sets_left()` sample-and-decode attempts.
fn read_matrix(bits: &BitMatrix, report: &mut ScanReport, texts: &mut Vec<String>) {
    let mut patterns = find_finder_patterns(bits, report);
    if patterns.len() > MAX_FINDER_PATTERNS_KEPT {
        // The largest are the least likely to be noise (zxing-cpp's own order).
        patterns.sort_by_key(|p| std::cmp::Reverse(p.size));
        patterns.truncate(MAX_FINDER_PATTERNS_KEPT);
        report.truncated = true;
    }
    let mut sets = GenerateFinderPatternSets(&mut patterns);
    // Triples of larger patterns first (noise and texture make small ones),
    // zxing-cpp's plausibility order among equals: a code beside a texture of
    // small finder patterns is reached within the budget.
    sets.sort_by_key(|s| std::cmp::Reverse(s.bl.size.min(s.tl.size).min(s.tr.size)));
    let mut used: Vec<ConcentricPattern> = Vec::new();
    for set in sets {
        if used.contains(&set.bl) || used.contains(&set.tl) || used.contains(&set.tr) {
            continue;
        }
        if report.sets_left() == 0 {
            report.truncated = true;
            return;
        }
        report.sets_sampled += 1;
        let Ok(detected) = SampleQR(bits, &set) else {
            continue;
        };
        let Ok(decoded) = Decode(detected.getBits()) else {
            continue;
        };
        if decoded.isValid() {
            used.extend([set.bl, set.tl, set.tr]);
            let text = decoded.text();
            if !texts.contains(&text) {
                texts.push(text);
            }
        }
    }
}

/// The widths of the five runs at the view's position.
fn runs(view: &PatternView) -> [PatternType; 5] {
    let mut out = [0; 5];
    for (o, v) in out.iter_mut().zip(view.iter()) {
        *o = v;
    }
    out
}

/// The run lengths of row `y`, white first (0 when the row starts dark) and
/// ending with a white run (0 when the row ends dark): what `rxing`'s
/// `GetPatternRowTP` returns, found a machine word at a time instead of a
/// pixel at a time.
fn pattern_row(image: &BitMatrix, y: u32) -> PatternRow {
    let bits = image.getRow(y);
    let size = bits.get_size();
    let mut runs = Vec::with_capacity(64);
    let (mut pos, mut dark) = (0, false);
    loop {
        let next = if dark {
            bits.getNextUnset(pos)
        } else {
            bits.getNextSet(pos)
        };
        runs.push(PatternType::try_from(next - pos).unwrap_or(PatternType::MAX));
        if next >= size {
            break;
        }
        (pos, dark) = (next, !dark);
    }
    if dark {
        runs.push(0);
    }
    PatternRow::new(runs)
}

/// zxing-cpp's finder pattern search (`FindFinderPatterns`, try harder), with
/// two bounds: a new candidate is compared only with the patterns that reach
/// its row (not with all found so far), and the search stops after
/// [`MAX_FINDER_PATTERNS`] patterns.
fn find_finder_patterns(image: &BitMatrix, report: &mut ScanReport) -> Vec<ConcentricPattern> {
    let height = image.height();
    let mut found: Vec<ConcentricPattern> = Vec::new();
    // Indices into `found` of the patterns whose extent reaches the row.
    let mut active: Vec<usize> = Vec::new();
    let mut y = ROW_STEP - 1;
    while y < height {
        let yf = y as f32 + 0.5;
        active.retain(|i| {
            found
                .get(*i)
                .is_some_and(|p| p.p.y + p.size as f32 / 2.0 > yf)
        });
        let row = pattern_row(image, y);
        let mut view = PatternView::new(&row);
        while let Ok(next) = FindLeftGuardBy::<5, _>(view, 5, |v, space| {
            let [a, b, c, d, e] = runs(v);
            c >= 3
                && c >= 2 * a.max(e)
                && c >= b.max(d)
                && IsPattern::<true, 5, 7, false>(v, &PATTERN, space, 0.1, 0.0, 0.0) != 0.0
        }) {
            view = next;
            if !view.isValid() {
                break;
            }
            let [a, b, c, d, e] = runs(&view);
            let p = Point {
                x: f32::from(view.pixelsInFront())
                    + f32::from(a)
                    + f32::from(b)
                    + f32::from(c) / 2.0,
                y: yf,
            };
            let inside = active.iter().any(|i| {
                found
                    .get(*i)
                    .is_some_and(|old| Point::distance(p, old.p) < old.size as f32 / 2.0)
            });
            if !inside {
                let sum = i32::from(a) + i32::from(b) + i32::from(c) + i32::from(d) + i32::from(e);
                if let Some(pattern) =
                    LocateConcentricPattern::<true, 5, 7>(image, &PATTERN.into(), p, sum * 3)
                {
                    active.push(found.len());
                    found.push(pattern);
                    if found.len() >= MAX_FINDER_PATTERNS {
                        report.finder_patterns += found.len();
                        report.truncated = true;
                        return found;
                    }
                }
            }
            view.skipPair();
            view.skipPair();
            view.extend();
        }
        y += ROW_STEP;
    }
    report.finder_patterns += found.len();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use rxing::common::cpp_essentials::GetPatternRowTP;

    #[test]
    fn pattern_rows_match_rxing() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for width in [1u32, 2, 63, 64, 65, 127, 128, 129, 200, 1000] {
            for density in [0u64, 1, 4, 8, 15, 16] {
                let mut matrix = BitMatrix::new(width, 4).unwrap();
                for y in 0..4 {
                    for x in 0..width {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        // Dark with probability density/16; at density 0, whole
                        // rows alternate light and dark.
                        if (state % 16) < density || (density == 0 && y % 2 == 1) {
                            matrix.set(x, y);
                        }
                    }
                }
                for y in 0..4 {
                    let mut expected = PatternRow::default();
                    GetPatternRowTP(&matrix, y, &mut expected, false);
                    let ours = pattern_row(&matrix, y);
                    assert_eq!(ours.len(), expected.len(), "{width} {density} {y}");
                    for i in 0..ours.len() {
                        assert_eq!(ours[i], expected[i], "{width} {density} {y} {i}");
                    }
                }
            }
        }
    }
}
