//! Raster output: PNG.

use super::*;

fn pixels_per_module(total_modules: u64, scale: Scale) -> Result<u32, RenderError> {
    let ppm = match scale {
        Scale::PixelsPerModule(0) => {
            return Err(RenderError::InvalidOption(
                "pixels per module must be at least 1".to_owned(),
            ))
        }
        Scale::PixelsPerModule(p) => p,
        Scale::TargetWidth(w) => u32::try_from((u64::from(w) / total_modules).max(1)).unwrap_or(1),
    };
    let side = total_modules * u64::from(ppm);
    if side > u64::from(MAX_IMAGE_SIDE) {
        return Err(RenderError::ImageTooLarge {
            side,
            limit: MAX_IMAGE_SIDE,
        });
    }
    Ok(ppm)
}

pub(super) fn check_quiet_zone(quiet_zone: u32) -> Result<i64, RenderError> {
    if quiet_zone > 64 {
        return Err(RenderError::InvalidOption(format!(
            "quiet zone of {quiet_zone} modules; at most 64"
        )));
    }
    Ok(i64::from(quiet_zone))
}

/// Renders `text` as an RGB raster: `(width, pixels)`, square, row by row.
fn raster(m: &QrMatrix, options: &RenderOptions) -> Result<(u32, Vec<u8>), RenderError> {
    let qz = check_quiet_zone(options.quiet_zone)?;
    let total = m.width as u64 + 2 * qz as u64;
    let ppm = pixels_per_module(total, options.scale)?;
    let side = u32::try_from(total * u64::from(ppm)).map_err(|_| RenderError::ImageTooLarge {
        side: total * u64::from(ppm),
        limit: MAX_IMAGE_SIDE,
    })?;
    let mut row = Vec::with_capacity(side as usize * 3);
    let mut pixels = Vec::with_capacity(side as usize * side as usize * 3);
    for my in 0..total as i64 {
        row.clear();
        for mx in 0..total as i64 {
            let Rgb(r, g, b) = if m.dark_at(mx - qz, my - qz) {
                options.dark
            } else {
                options.light
            };
            for _ in 0..ppm {
                row.extend_from_slice(&[r, g, b]);
            }
        }
        for _ in 0..ppm {
            pixels.extend_from_slice(&row);
        }
    }
    Ok((side, pixels))
}

/// Encodes an RGB raster as PNG (greyscale when both colours are grey).
fn encode_png(side: u32, rgb: &[u8], grey: bool) -> Result<Vec<u8>, RenderError> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Best,
        image::codecs::png::FilterType::Adaptive,
    );
    let result = if grey {
        let luma: Vec<u8> = rgb
            .chunks_exact(3)
            .filter_map(|p| p.first().copied())
            .collect();
        encoder.write_image(&luma, side, side, image::ExtendedColorType::L8)
    } else {
        encoder.write_image(rgb, side, side, image::ExtendedColorType::Rgb8)
    };
    result.map_err(|e| RenderError::Encode(e.to_string()))?;
    Ok(out)
}

/// Renders an already encoded matrix as PNG bytes.
pub fn matrix_png(m: &QrMatrix, options: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let (side, rgb) = raster(m, options)?;
    let is_grey = |c: Rgb| c.0 == c.1 && c.1 == c.2;
    encode_png(side, &rgb, is_grey(options.dark) && is_grey(options.light))
}

/// Renders `text` as a PNG image.
pub fn png(text: &str, options: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    matrix_png(&matrix(text, options)?, options)
}
