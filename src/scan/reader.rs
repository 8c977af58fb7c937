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
    ConcentricPattern, FixedPattern, IsPattern, LocateConcentricPattern, PatternRow, PatternType,
    PatternView,
};
use rxing::common::{BitMatrix, DetectorRXingResult, HybridBinarizer};
use rxing::qrcode::cpp_port::decoder::Decode;
use rxing::qrcode::cpp_port::detector::{GenerateFinderPatternSets, SampleQR};
use rxing::{BinaryBitmap, Luma8LuminanceSource, Point};

use super::{binarize, GreyImage, ScanReport, MAX_FINDER_PATTERNS, MAX_FINDER_PATTERNS_KEPT};

/// The finder pattern's module widths: dark, light, dark (3), light, dark.
const PATTERN: FixedPattern<5, 7, false> = FixedPattern::new([1, 1, 3, 1, 1]);

/// A finder candidate whose light runs are on average less than this many
/// grey levels lighter than its dark runs is taken for noise and not
/// cross-checked: the span under which the hybrid binariser counts an 8×8
/// block as uniform. Sensor noise on flat paper, once binarised against the
/// local mean, is salt and pepper in which every row holds 1:1:3:1:1 runs;
/// their grey levels differ by about 1.6 σ (13 levels at σ = 8), a printed
/// code's by far more.
const MIN_FINDER_CONTRAST: i64 = 24;

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
        read_matrix(&bits, img, false, &mut local, &mut texts);
        if texts.is_empty() && local.sets_left() > 0 {
            bits.flip_self();
            read_matrix(&bits, img, true, &mut local, &mut texts);
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

/// Finds codes in one binarised image of `grey` (set bits dark, or light
/// when `inverted`), spending at most `report.sets_left()` sample-and-decode
/// attempts.
fn read_matrix(
    bits: &BitMatrix,
    grey: &GreyImage,
    inverted: bool,
    report: &mut ScanReport,
    texts: &mut Vec<String>,
) {
    let mut patterns = find_finder_patterns(bits, grey, inverted, report);
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

/// Whether the five runs starting at pixel `x` of row `y` of `grey` (set
/// bits first) have light runs at least [`MIN_FINDER_CONTRAST`] grey levels
/// lighter on average than their dark runs. Runs outside the image count as
/// contrasted (the decoder's own checks then decide).
fn contrasted(grey: &GreyImage, inverted: bool, x: usize, y: u32, runs: [PatternType; 5]) -> bool {
    let width = grey.width as usize;
    let len: usize = runs.iter().map(|r| usize::from(*r)).sum();
    let Some(pixels) = grey
        .pixels
        .get(y as usize * width + x..)
        .and_then(|row| row.get(..len))
        .filter(|_| x + len <= width)
    else {
        return true;
    };
    // Sums and counts of the set runs (first, third, fifth) and the others.
    let (mut sums, mut counts, mut at) = ([0i64; 2], [0i64; 2], 0);
    for (i, run) in runs.iter().enumerate() {
        let run = usize::from(*run);
        let part = pixels.get(at..at + run).unwrap_or_default();
        let k = i % 2;
        if let (Some(sum), Some(count)) = (sums.get_mut(k), counts.get_mut(k)) {
            *sum += part.iter().map(|p| i64::from(*p)).sum::<i64>();
            *count += run as i64;
        }
        at += run;
    }
    let [set_sum, unset_sum] = sums;
    let [set_count, unset_count] = counts;
    if set_count == 0 || unset_count == 0 {
        return true;
    }
    // mean(light) − mean(dark) ≥ MIN_FINDER_CONTRAST, without division.
    let (light, dark) = if inverted {
        (set_sum * unset_count, unset_sum * set_count)
    } else {
        (unset_sum * set_count, set_sum * unset_count)
    };
    light - dark >= MIN_FINDER_CONTRAST * set_count * unset_count
}

/// The finder-pattern candidates of one row of runs (white first), as the
/// index of each one's first dark run, in the order and with the checks of
/// `rxing`'s `FindLeftGuardBy` loop in zxing-cpp's `FindFinderPatterns`:
/// windows of five runs starting at a dark run, left to right, plausible
/// (the centre at least 3 pixels, twice the outer dark runs and as wide as
/// the light ones) and 1:1:3:1:1 within `IsPattern`'s tolerance; after a
/// candidate the search resumes two dark runs further on. The cheap test
/// comes first, on plain run lengths, so that speckled rows (hundreds of runs)
/// cost little. A unit test compares the result with that loop.
fn finder_candidates(row: &PatternRow, out: &mut Vec<usize>) {
    out.clear();
    let view = PatternView::new(row);
    let bars = view.data();
    let len = bars.len();
    let is_candidate = |j: usize, space: f32| {
        let Some(&[a, b, c, d, e]) = bars.get(j..j + 5) else {
            return false;
        };
        c >= 3
            && c >= 2 * a.max(e)
            && c >= b.max(d)
            && IsPattern::<true, 5, 7, false>(
                &PatternView::with_config(row, 1, 5, j - 1, 0),
                &PATTERN,
                Some(space),
                0.1,
                0.0,
                0.0,
            ) != 0.0
    };
    // The first window is checked with unlimited space in front of it; had
    // it failed so, it fails with the real space too.
    let mut j = if is_candidate(1, f32::MAX) {
        out.push(1);
        5
    } else {
        3
    };
    while j + 5 < len {
        let space = bars.get(j - 1).map_or(0.0, |s| f32::from(*s));
        if is_candidate(j, space) {
            out.push(j);
            j += 4;
        } else {
            j += 2;
        }
    }
}

/// zxing-cpp's finder pattern search (`FindFinderPatterns`, try harder), with
/// two bounds: a new candidate is compared only with the patterns that reach
/// its row (not with all found so far), and the search stops after
/// [`MAX_FINDER_PATTERNS`] patterns. A candidate without grey-level contrast
/// ([`MIN_FINDER_CONTRAST`]) is skipped before the cross-checks.
fn find_finder_patterns(
    image: &BitMatrix,
    grey: &GreyImage,
    inverted: bool,
    report: &mut ScanReport,
) -> Vec<ConcentricPattern> {
    let height = image.height();
    let mut found: Vec<ConcentricPattern> = Vec::new();
    // Indices into `found` of the patterns whose extent reaches the row.
    let mut active: Vec<usize> = Vec::new();
    let mut candidates = Vec::new();
    let mut y = ROW_STEP - 1;
    while y < height {
        let yf = y as f32 + 0.5;
        active.retain(|i| {
            found
                .get(*i)
                .is_some_and(|p| p.p.y + p.size as f32 / 2.0 > yf)
        });
        let row = pattern_row(image, y);
        let view = PatternView::new(&row);
        let bars = view.data();
        finder_candidates(&row, &mut candidates);
        // Pixels in front of run `at`, summed as the candidates advance.
        let (mut at, mut front) = (0, 0usize);
        for &j in &candidates {
            let Some(&[a, b, c, d, e]) = bars.get(j..j + 5) else {
                break;
            };
            front += bars
                .get(at..j)
                .map_or(0, |r| r.iter().map(|v| usize::from(*v)).sum());
            at = j;
            let p = Point {
                x: front as f32 + f32::from(a) + f32::from(b) + f32::from(c) / 2.0,
                y: yf,
            };
            let inside = active.iter().any(|i| {
                found
                    .get(*i)
                    .is_some_and(|old| Point::distance(p, old.p) < old.size as f32 / 2.0)
            });
            if !inside && contrasted(grey, inverted, front, y, [a, b, c, d, e]) {
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
        }
        y += ROW_STEP;
    }
    report.finder_patterns += found.len();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use rxing::common::cpp_essentials::{FindLeftGuardBy, GetPatternRowTP};

    /// The widths of the five runs at the view's position.
    fn runs(view: &PatternView) -> [PatternType; 5] {
        let mut out = [0; 5];
        for (o, v) in out.iter_mut().zip(view.iter()) {
            *o = v;
        }
        out
    }

    /// The candidates of a row as zxing-cpp's loop over `FindLeftGuardBy`
    /// finds them: pixels in front and runs of each.
    fn candidates_by_rxing(row: &PatternRow) -> Vec<(usize, [PatternType; 5])> {
        let mut out = Vec::new();
        let mut view = PatternView::new(row);
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
            out.push((usize::from(view.pixelsInFront()), runs(&view)));
            view.skipPair();
            view.skipPair();
            view.extend();
        }
        out
    }

    #[test]
    fn finder_candidates_match_rxing() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let mut total = 0;
        for case in 0..3000 {
            // Runs of 1..=max pixels, some rows with finder patterns
            // (1:1:3:1:1 at a random scale) among them; white first and last,
            // either possibly 0 wide.
            let max = 1 + next(12);
            let count = next(40) as usize;
            let mut runs: Vec<PatternType> = vec![next(3) as PatternType];
            while runs.len() < 2 * count + 1 {
                if next(4) == 0 && runs.len() % 2 == 1 {
                    let m = 1 + next(5) as PatternType;
                    let jitter = |v: PatternType, r: u64| v + r as PatternType;
                    for (k, w) in [1, 1, 3, 1, 1].into_iter().enumerate() {
                        runs.push(jitter(w * m, next(2)));
                        if k == 4 && runs.len() < 2 * count + 1 {
                            runs.push(1 + next(max) as PatternType);
                        }
                    }
                } else {
                    runs.push(1 + next(max) as PatternType);
                }
            }
            if runs.len().is_multiple_of(2) {
                runs.push(next(3) as PatternType);
            }
            let row = PatternRow::new(runs.clone());
            let mut ours = Vec::new();
            finder_candidates(&row, &mut ours);
            let ours: Vec<(usize, [PatternType; 5])> = ours
                .iter()
                .map(|&j| {
                    let front = runs[..j].iter().map(|v| usize::from(*v)).sum();
                    (front, runs[j..j + 5].try_into().unwrap())
                })
                .collect();
            assert_eq!(ours, candidates_by_rxing(&row), "case {case}: {runs:?}");
            total += ours.len();
        }
        // The rows really hold candidates.
        assert!(total > 1000, "{total}");
    }

    /// One row: `runs` alternately at `dark` and `light` grey levels (dark
    /// first), after `front` pixels of `light`, padded with `light` to `width`.
    fn row(front: usize, runs: [PatternType; 5], dark: u8, light: u8, width: usize) -> GreyImage {
        let mut pixels = vec![light; front];
        for (i, run) in runs.iter().enumerate() {
            let level = if i % 2 == 0 { dark } else { light };
            pixels.extend(std::iter::repeat_n(level, usize::from(*run)));
        }
        pixels.resize(width, light);
        GreyImage::new(width as u32, 1, pixels).unwrap()
    }

    #[test]
    fn finder_candidates_need_grey_contrast() {
        let runs = [2, 2, 6, 2, 2];
        // A printed pattern, and faint ones on both sides of the bar.
        assert!(contrasted(&row(3, runs, 20, 230, 40), false, 3, 0, runs));
        assert!(contrasted(&row(3, runs, 110, 150, 40), false, 3, 0, runs));
        assert!(contrasted(&row(3, runs, 110, 134, 40), false, 3, 0, runs));
        assert!(!contrasted(&row(3, runs, 110, 133, 40), false, 3, 0, runs));
        // Speckle: the runs' levels barely differ, or the wrong way round.
        assert!(!contrasted(&row(3, runs, 120, 132, 40), false, 3, 0, runs));
        assert!(!contrasted(&row(3, runs, 230, 20, 40), false, 3, 0, runs));
        // Inverted: the set runs are the light ones.
        assert!(contrasted(&row(3, runs, 230, 20, 40), true, 3, 0, runs));
        assert!(!contrasted(&row(3, runs, 20, 230, 40), true, 3, 0, runs));
        // The means count every pixel of a run.
        let mut img = row(0, runs, 110, 130, 20);
        img.pixels[6] = 255;
        assert!(!contrasted(&img, false, 0, 0, runs));
        img.pixels[7] = 0;
        img.pixels[8] = 0;
        assert!(contrasted(&img, false, 0, 0, runs));
        // Runs reaching past the row are left to the decoder's checks.
        assert!(contrasted(&row(3, runs, 120, 121, 16), false, 3, 0, runs));
    }

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
