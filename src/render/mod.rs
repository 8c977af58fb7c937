//! Rendering certificate text as a QR code (feature `render`).
//!
//! The whole text (`TC1:` + Base45) goes into **one alphanumeric-mode
//! segment**: the Base45 alphabet is exactly the QR alphanumeric alphabet, so
//! every character costs 5.5 bits. The smallest QR version that holds the text
//! at the chosen error-correction level is used, up to
//! [`RenderOptions::max_version`] (default 25); a text that does not fit is
//! refused with [`RenderError::TooLarge`], naming the size and the limit.
//!
//! Outputs: the module matrix ([`QrMatrix`], for apps that draw it
//! themselves), PNG bytes ([`png`]), an SVG string ([`svg`]), terminal text
//! with Unicode half blocks ([`terminal`]) and a printable certificate card
//! ([`card_svg`]). No type of the underlying `qrcode` or `image` crates
//! appears in this API.
//!
//! ```
//! use travelcert::render::{self, RenderOptions};
//! let text = "TC1:6BFOXN*TS0BI$ZD4N9:9S6RCVN5+O30K3/XIV0W23NTDEXWK G2EP4J0B";
//! let matrix = render::matrix(text, &RenderOptions::default()).unwrap();
//! assert_eq!(matrix.width(), 17 + 4 * matrix.version() as usize);
//! let png = render::png(text, &RenderOptions::default()).unwrap();
//! assert!(png.starts_with(b"\x89PNG"));
//! ```

mod card;
mod labels;
mod mask;
#[cfg(feature = "pdf")]
mod pdf;

pub use card::{card_svg, CardOptions};
pub use labels::{CardLanguage, UnknownCardLanguage};
#[cfg(feature = "pdf")]
pub use pdf::{card_pdf, Paper};
#[cfg(feature = "issue")]
mod issued;
mod matrix;
mod options;
mod png;
mod svg;
mod terminal;

#[cfg(feature = "issue")]
pub use issued::{issue_rendered, IssuedQr};
pub use matrix::{capacity, matrix, version_for, QrMatrix};
pub use options::{EccLevel, RenderError, RenderOptions, Rgb, Scale, MAX_IMAGE_SIDE};
use png::check_quiet_zone;
pub use png::{matrix_png, png};
use svg::svg_path;
pub use svg::{matrix_svg, svg};
pub use terminal::{matrix_terminal, terminal, TerminalBackground};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacities_match_the_standard() {
        // ISO/IEC 18004 table 7, alphanumeric.
        assert_eq!(capacity(1, EccLevel::L), Some(25));
        assert_eq!(capacity(1, EccLevel::H), Some(10));
        assert_eq!(capacity(10, EccLevel::M), Some(311));
        assert_eq!(capacity(16, EccLevel::Q), Some(470));
        assert_eq!(capacity(25, EccLevel::Q), Some(1041));
        assert_eq!(capacity(40, EccLevel::H), Some(1852));
        assert_eq!(capacity(40, EccLevel::L), Some(4296));
        assert_eq!(capacity(0, EccLevel::L), None);
        assert_eq!(capacity(41, EccLevel::L), None);
    }

    #[test]
    fn smallest_version_is_chosen() {
        let opts = RenderOptions::default();
        // Version 1-Q holds 16 alphanumeric characters, version 2-Q 29.
        assert_eq!(matrix(&"A".repeat(16), &opts).unwrap().version(), 1);
        assert_eq!(matrix(&"A".repeat(17), &opts).unwrap().version(), 2);
        assert_eq!(matrix(&"A".repeat(29), &opts).unwrap().version(), 2);
        assert_eq!(matrix(&"A".repeat(30), &opts).unwrap().width(), 29);
    }

    #[test]
    fn too_large_names_size_and_limit() {
        let opts = RenderOptions::default();
        let err = matrix(&"A".repeat(1042), &opts).unwrap_err();
        assert_eq!(
            err,
            RenderError::TooLarge {
                characters: 1042,
                max_version: 25,
                ecc: EccLevel::Q,
                capacity: 1041,
                needed_version: Some(26)
            }
        );
        let msg = err.to_string();
        assert!(msg.contains("1042") && msg.contains("version 25") && msg.contains("1041"));
        let huge = matrix(
            &"A".repeat(5000),
            &RenderOptions {
                max_version: 40,
                ..opts
            },
        );
        assert!(matches!(
            huge,
            Err(RenderError::TooLarge {
                needed_version: None,
                ..
            })
        ));
    }

    #[test]
    fn bad_input_and_options_are_errors() {
        let opts = RenderOptions::default();
        assert_eq!(matrix("", &opts), Err(RenderError::Empty));
        assert_eq!(
            matrix("TC1:abc", &opts),
            Err(RenderError::NotAlphanumeric {
                position: 4,
                character: 'a'
            })
        );
        let v0 = RenderOptions {
            max_version: 0,
            ..opts
        };
        assert!(matches!(
            matrix("TC1:", &v0),
            Err(RenderError::InvalidOption(_))
        ));
        let ppm0 = RenderOptions {
            scale: Scale::PixelsPerModule(0),
            ..opts
        };
        assert!(matches!(
            png("TC1:", &ppm0),
            Err(RenderError::InvalidOption(_))
        ));
        let huge = RenderOptions {
            scale: Scale::PixelsPerModule(1000),
            ..opts
        };
        assert!(matches!(
            png("TC1:", &huge),
            Err(RenderError::ImageTooLarge { .. })
        ));
    }

    #[test]
    fn png_has_the_requested_geometry() {
        let m = matrix("TC1:HELLO", &RenderOptions::default()).unwrap();
        let opts = RenderOptions {
            scale: Scale::TargetWidth(300),
            ..RenderOptions::default()
        };
        let png = matrix_png(&m, &opts).unwrap();
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        // 21 + 8 = 29 modules; 300 / 29 = 10 px per module.
        assert_eq!(img.width(), 290);
        for y in 0..29u32 {
            for x in 0..29u32 {
                let dark = m.dark_at(i64::from(x) - 4, i64::from(y) - 4);
                let px = img.get_pixel(x * 10 + 5, y * 10 + 5).0[0];
                assert_eq!(px, if dark { 0 } else { 255 }, "module {x},{y}");
            }
        }
    }

    #[test]
    fn svg_and_terminal_draw_every_dark_module() {
        let opts = RenderOptions::default();
        let m = matrix("TC1:HELLO WORLD", &opts).unwrap();
        let svg = matrix_svg(&m, &opts).unwrap();
        let dark_count = m.modules().iter().filter(|d| **d).count();
        let drawn: usize = svg
            .split('h')
            .skip(1)
            .filter_map(|s| s.split('v').next()?.parse::<usize>().ok())
            .sum();
        assert_eq!(drawn, dark_count);
        let term = matrix_terminal(&m, 4, TerminalBackground::Light).unwrap();
        let lines: Vec<Vec<char>> = term.lines().map(|l| l.chars().collect()).collect();
        assert_eq!(lines.len(), (21usize + 8).div_ceil(2));
        for y in 0..29usize {
            for (x, c) in lines[y / 2].iter().enumerate() {
                let c = *c;
                let top = matches!(c, '█' | '▀');
                let bottom = matches!(c, '█' | '▄');
                let drawn = if y % 2 == 0 { top } else { bottom };
                assert_eq!(drawn, m.dark_at(x as i64 - 4, y as i64 - 4));
            }
        }
    }
}
