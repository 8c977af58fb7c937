//! Vector output: SVG.

use super::*;

/// The SVG path data of the dark modules, one `h`-run per horizontal stretch,
/// in module units with the quiet zone offset `qz`.
pub(super) fn svg_path(m: &QrMatrix, qz: i64) -> String {
    let mut d = String::new();
    for y in 0..m.width {
        let mut x = 0;
        while x < m.width {
            if m.is_dark(x, y) {
                let start = x;
                while x < m.width && m.is_dark(x, y) {
                    x += 1;
                }
                d.push_str(&format!(
                    "M{} {}h{}v1h-{}z",
                    start as i64 + qz,
                    y as i64 + qz,
                    x - start,
                    x - start
                ));
            } else {
                x += 1;
            }
        }
    }
    d
}

/// Renders an already encoded matrix as a standalone SVG document. The
/// viewBox is in modules; `width`/`height` follow [`RenderOptions::scale`].
pub fn matrix_svg(m: &QrMatrix, options: &RenderOptions) -> Result<String, RenderError> {
    let qz = check_quiet_zone(options.quiet_zone)?;
    let total = m.width as u64 + 2 * qz as u64;
    let ppm = match options.scale {
        Scale::PixelsPerModule(0) => {
            return Err(RenderError::InvalidOption(
                "pixels per module must be at least 1".to_owned(),
            ))
        }
        Scale::PixelsPerModule(p) => u64::from(p),
        Scale::TargetWidth(w) => (u64::from(w) / total).max(1),
    };
    let side = total * ppm;
    Ok(format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{side}\" height=\"{side}\" ",
            "viewBox=\"0 0 {total} {total}\" shape-rendering=\"crispEdges\">\n",
            "<title>QR code, version {version}, ECC {ecc}</title>\n",
            "<rect width=\"{total}\" height=\"{total}\" fill=\"{light}\"/>\n",
            "<path fill=\"{dark}\" d=\"{d}\"/>\n",
            "</svg>\n"
        ),
        side = side,
        total = total,
        version = m.version,
        ecc = m.ecc,
        light = options.light.hex(),
        dark = options.dark.hex(),
        d = svg_path(m, qz),
    ))
}

/// Renders `text` as a standalone SVG document.
pub fn svg(text: &str, options: &RenderOptions) -> Result<String, RenderError> {
    matrix_svg(&matrix(text, options)?, options)
}
