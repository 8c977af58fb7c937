//! The printable card as PDF (feature `pdf`), fonts embedded.
//!
//! The card's SVG ([`super::card_svg`]) is laid out by `usvg` and written by
//! `svg2pdf`: text stays text (selectable, found by `pdftotext`), set in the
//! first installed font of the card's font list that has each glyph, and
//! every font used is embedded as a subset, so the PDF prints the same on any
//! printer and viewer, CJK names included. Fonts come from the system font
//! directories (on Debian: `fonts-noto-cjk` for Chinese, Japanese and Korean,
//! `fonts-dejavu-core` for Latin, Cyrillic, Greek and Arabic) plus any font
//! files the caller names.

use std::path::PathBuf;

use svg2pdf::usvg;

use super::card::{card_svg, CardOptions};
use super::RenderError;
use crate::model::Certificate;

/// Paper for [`card_pdf`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Paper {
    /// The card itself, A6 (105 × 148 mm; taller when the record needs it).
    #[default]
    A6,
    /// The card at its real size on A4 (210 × 297 mm), top left, with a cut
    /// line around it, for office printers.
    A4,
}

/// A4 in millimetres.
const A4: (f64, f64) = (210.0, 297.0);
/// usvg's user unit: CSS pixels, 96 per inch.
const PX_PER_MM: f64 = 96.0 / 25.4;

/// The printable card as a one-page PDF with its fonts embedded.
///
/// `font_files` are loaded beside the system fonts (for a machine whose
/// system lacks a script the holder's name is written in). A glyph that no
/// font has cannot be drawn; the card's text is then incomplete, so issuers
/// should check the PDF once with their fonts (`pdftotext` shows the text).
pub fn card_pdf(
    certificate: &Certificate,
    text: &str,
    options: &CardOptions,
    paper: Paper,
    font_files: &[PathBuf],
) -> Result<Vec<u8>, RenderError> {
    let card = card_svg(certificate, text, options)?;
    let svg = match paper {
        Paper::A6 => card,
        Paper::A4 => on_a4(&card)?,
    };
    let mut usvg_options = usvg::Options::default();
    {
        let fonts = usvg_options.fontdb_mut();
        fonts.load_system_fonts();
        for file in font_files {
            fonts
                .load_font_file(file)
                .map_err(|e| RenderError::Pdf(format!("font {}: {e}", file.display())))?;
        }
    }
    let tree = usvg::Tree::from_str(&svg, &usvg_options)
        .map_err(|e| RenderError::Pdf(format!("card layout: {e}")))?;
    let page = svg2pdf::PageOptions {
        dpi: (PX_PER_MM * 25.4) as f32,
    };
    svg2pdf::to_pdf(&tree, svg2pdf::ConversionOptions::default(), page)
        .map_err(|e| RenderError::Pdf(format!("PDF writer: {e}")))
}

/// Places the card SVG at its real size on an A4 page with a dashed cut line.
fn on_a4(card: &str) -> Result<String, RenderError> {
    let inner = card
        .find("<svg")
        .map(|start| card.get(start..).unwrap_or(card))
        .ok_or_else(|| RenderError::Pdf("card SVG has no <svg> element".to_owned()))?;
    let height = inner
        .split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .and_then(|vb| vb.split(' ').nth(1))
        .and_then(|h| h.parse::<f64>().ok())
        .ok_or_else(|| RenderError::Pdf("card SVG has no viewBox".to_owned()))?;
    let (w, h) = A4;
    let (x, y) = (10.0, 10.0);
    let card_w = 105.0;
    // The nested card keeps its viewBox; its size becomes plain user units
    // (millimetres here), not absolute `mm` lengths, which SVG would scale
    // by 96/25.4 inside the page's millimetre viewBox.
    let tag_end = inner.find('>').unwrap_or(inner.len());
    let (tag, rest) = inner.split_at(tag_end);
    let tag = tag
        .replacen("<svg ", &format!("<svg x=\"{x}\" y=\"{y}\" "), 1)
        .replace("mm\"", "\"");
    let nested = format!("{tag}{rest}");
    Ok(format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" ",
            "width=\"{w}mm\" height=\"{h}mm\" viewBox=\"0 0 {w} {h}\">\n",
            "<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
            "<rect x=\"{cx}\" y=\"{cy}\" width=\"{cw}\" height=\"{ch:.1}\" fill=\"none\" ",
            "stroke=\"#999999\" stroke-width=\"0.2\" stroke-dasharray=\"2 1.5\"/>\n",
            "{nested}</svg>\n"
        ),
        w = w,
        h = h,
        cx = x - 2.0,
        cy = y - 2.0,
        cw = card_w + 4.0,
        ch = height + 4.0,
        nested = nested,
    ))
}
