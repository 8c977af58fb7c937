//! Terminal output with Unicode half blocks.

use super::*;

/// The terminal's background, which decides which modules get drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TerminalBackground {
    /// Light text on a dark background (most terminals): light modules are
    /// drawn with block characters, dark modules stay background.
    #[default]
    Dark,
    /// Dark text on a light background: dark modules are drawn.
    Light,
}

/// Renders an already encoded matrix for a terminal, two module rows per text
/// line with the Unicode half blocks `▀ ▄ █`. A phone camera reads it from the
/// screen when the font's line height equals twice its character width (most
/// monospace fonts come close enough).
pub fn matrix_terminal(
    m: &QrMatrix,
    quiet_zone: u32,
    background: TerminalBackground,
) -> Result<String, RenderError> {
    let qz = check_quiet_zone(quiet_zone)?;
    let total = m.width as i64 + 2 * qz;
    let drawn = |x: i64, y: i64| {
        let inside = y < total;
        let dark = m.dark_at(x - qz, y - qz);
        match background {
            TerminalBackground::Dark => inside && !dark,
            TerminalBackground::Light => inside && dark,
        }
    };
    let mut out = String::new();
    let mut y = 0;
    while y < total {
        for x in 0..total {
            out.push(match (drawn(x, y), drawn(x, y + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        out.push('\n');
        y += 2;
    }
    Ok(out)
}

/// Renders `text` for a terminal (see [`matrix_terminal`]).
pub fn terminal(
    text: &str,
    options: &RenderOptions,
    background: TerminalBackground,
) -> Result<String, RenderError> {
    matrix_terminal(&matrix(text, options)?, options.quiet_zone, background)
}
