//! The printable certificate card: the QR code plus the summary a border
//! officer reads beside it, as one SVG sized for A6 paper (105 × 148 mm).

use std::fmt::Write as _;

use super::{matrix, svg_path, RenderError, RenderOptions};
use crate::model::{Certificate, Timestamp};

/// Fonts for the card, in order. The CJK families cover Chinese, Japanese and
/// Korean native-script names on Windows, macOS, Linux and Android.
pub const CARD_FONT_FAMILY: &str = "'Noto Sans', 'Noto Sans CJK SC', 'Noto Sans SC', \
'Source Han Sans SC', 'PingFang SC', 'Hiragino Sans', 'Microsoft YaHei', 'SimHei', \
'WenQuanYi Micro Hei', 'Noto Sans CJK JP', 'Yu Gothic', 'Malgun Gothic', 'DejaVu Sans', \
Arial, sans-serif";

/// Card options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardOptions {
    /// The heading printed at the top.
    pub title: String,
    /// QR options (error-correction level, version limit, colours); the scale
    /// is ignored, the card is vector.
    pub qr: RenderOptions,
}

impl Default for CardOptions {
    fn default() -> Self {
        Self {
            title: "Travel health certificate".to_owned(),
            qr: RenderOptions::default(),
        }
    }
}

/// A6 width and minimum height, millimetres.
const WIDTH_MM: f64 = 105.0;
const HEIGHT_MM: f64 = 148.0;
const MARGIN: f64 = 6.0;

/// Escapes text for SVG character data and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `2021-03-10 08:30 UTC`.
fn minute(t: Timestamp) -> String {
    let s = t.to_string();
    match (s.get(..10), s.get(11..16)) {
        (Some(d), Some(hm)) => format!("{d} {hm} UTC"),
        _ => s,
    }
}

/// One text line of the card.
struct Line {
    size: f64,
    weight: &'static str,
    text: String,
    gap_before: f64,
}

impl Line {
    fn new(size: f64, weight: &'static str, text: String) -> Self {
        Self {
            size,
            weight,
            text,
            gap_before: 0.0,
        }
    }
    fn gap(mut self, gap: f64) -> Self {
        self.gap_before = gap;
        self
    }
}

fn summary(cert: &Certificate) -> Vec<Line> {
    let h = &cert.record.holder;
    let mut lines = Vec::new();
    if let Some(native) = &h.native_name {
        lines.push(Line::new(6.0, "700", native.clone()));
    }
    let latin = if h.secondary_name.is_empty() {
        h.primary_name.clone()
    } else {
        format!("{}, {}", h.primary_name, h.secondary_name)
    };
    lines.push(Line::new(5.0, "700", latin));
    lines.push(Line::new(
        3.2,
        "400",
        format!(
            "Born {} · sex {} · nationality {}",
            h.date_of_birth,
            h.sex.name().unwrap_or("?"),
            h.nationality
        ),
    ));
    lines.push(Line::new(
        4.2,
        "700",
        format!(
            "{}  {}",
            capitalise(&h.document_type.label()),
            h.document_number
        ),
    ));
    if let Some(flight) = cert.record.journey.as_ref().and_then(|j| j.flight.as_ref()) {
        lines.push(Line::new(3.2, "400", format!("Flight {flight}")));
    }
    for t in &cert.record.nat_tests {
        lines.push(
            Line::new(
                3.6,
                "700",
                format!(
                    "NAT {} {}: {}",
                    t.disease.label(),
                    t.method.label(),
                    t.result.label().to_uppercase()
                ),
            )
            .gap(1.5),
        );
        lines.push(Line::new(
            3.0,
            "400",
            format!(
                "sampled {} · {} ({})",
                minute(t.sampled_at),
                t.laboratory.name,
                t.laboratory.country
            ),
        ));
    }
    for t in &cert.record.antibody_tests {
        let quantity = t
            .quantity
            .as_ref()
            .map_or(String::new(), |q| format!(" ({q})"));
        lines.push(
            Line::new(
                3.6,
                "700",
                format!(
                    "Antibody {}: {}{quantity}",
                    t.class.label(),
                    t.result.label().to_uppercase()
                ),
            )
            .gap(1.5),
        );
        lines.push(Line::new(
            3.0,
            "400",
            format!(
                "sampled {} · {} ({})",
                minute(t.sampled_at),
                t.laboratory.name,
                t.laboratory.country
            ),
        ));
    }
    for v in &cert.record.vaccinations {
        lines.push(
            Line::new(
                3.6,
                "700",
                format!(
                    "Vaccination {} dose {}/{}: {}",
                    v.disease.label(),
                    v.dose,
                    v.series_total,
                    v.date
                ),
            )
            .gap(1.5),
        );
        lines.push(Line::new(
            3.0,
            "400",
            format!(
                "{} · {} · {} ({})",
                v.product.label(),
                v.manufacturer.label(),
                v.centre.name,
                v.centre.country
            ),
        ));
    }
    lines.push(
        Line::new(
            3.2,
            "700",
            format!(
                "Issued by {} · valid {} – {}",
                cert.issuer,
                minute(cert.issued_at),
                minute(cert.expires_at)
            ),
        )
        .gap(2.0),
    );
    lines.push(Line::new(
        2.8,
        "400",
        format!("Certificate id {}", cert.certificate_id),
    ));
    lines
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The printable card for a certificate (verified or inspected) and its text,
/// as an SVG document 105 mm wide: the QR code on top (about 0.8 mm per
/// module for a typical certificate) and the human-readable summary below it.
/// The card is A6 (148 mm tall) unless the record has so many entries that it
/// needs more height; then it grows downwards and keeps its type sizes.
///
/// Type sizes: native name 6 mm cap-to-descender (≈17 pt), Latin name 5 mm
/// (≈14 pt), document number 4.2 mm (≈12 pt), result lines 3.6 mm (≈10 pt).
pub fn card_svg(
    certificate: &Certificate,
    text: &str,
    options: &CardOptions,
) -> Result<String, RenderError> {
    let m = matrix(text, &options.qr)?;
    let qz = super::check_quiet_zone(options.qr.quiet_zone)?;
    let total = m.width() as f64 + 2.0 * qz as f64;
    let qr_side = 72.0_f64;
    let qr_x = (WIDTH_MM - qr_side) / 2.0;
    let qr_y = 13.0;
    let lines = summary(certificate);

    let mut body = String::new();
    let mut y = qr_y + qr_side + 4.0;
    for line in &lines {
        y += line.gap_before + line.size;
        let _ = writeln!(
            body,
            "<text x=\"{MARGIN}\" y=\"{y:.2}\" font-size=\"{:.2}\" font-weight=\"{}\">{}</text>",
            line.size,
            line.weight,
            esc(&line.text)
        );
        y += line.size * 0.3;
    }
    let height = (y + MARGIN).max(HEIGHT_MM);
    let scale = qr_side / total;
    let mut svg = String::new();
    let _ = write!(
        svg,
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" ",
            "width=\"{w}mm\" height=\"{h:.1}mm\" viewBox=\"0 0 {w} {h:.1}\">\n",
            "<title>{title}</title>\n",
            "<rect width=\"{w}\" height=\"{h:.1}\" fill=\"#ffffff\"/>\n",
            "<rect x=\"1\" y=\"1\" width=\"{iw}\" height=\"{ih:.1}\" rx=\"3\" fill=\"none\" ",
            "stroke=\"#1f3a5f\" stroke-width=\"0.5\"/>\n",
            "<g font-family=\"{font}\" fill=\"#000000\">\n",
            "<text x=\"{m}\" y=\"10\" font-size=\"4.5\" font-weight=\"700\" fill=\"#1f3a5f\">{title}</text>\n",
            "<g transform=\"translate({qx:.3} {qy:.3}) scale({s:.5})\" shape-rendering=\"crispEdges\">\n",
            "<rect width=\"{t}\" height=\"{t}\" fill=\"{light}\"/>\n",
            "<path fill=\"{dark}\" d=\"{d}\"/>\n",
            "</g>\n",
            "{body}",
            "<text x=\"{m}\" y=\"{fy:.2}\" font-size=\"2.4\" fill=\"#555555\">QR version {v}, ECC {ecc}. ",
            "Scan to verify; the printed text is not proof on its own.</text>\n",
            "</g>\n</svg>\n"
        ),
        w = WIDTH_MM,
        h = height,
        iw = WIDTH_MM - 2.0,
        ih = height - 2.0,
        title = esc(&options.title),
        font = esc(CARD_FONT_FAMILY),
        m = MARGIN,
        qx = qr_x,
        qy = qr_y,
        s = scale,
        t = total,
        light = options.qr.light.hex(),
        dark = options.qr.dark.hex(),
        d = svg_path(&m, qz),
        body = body,
        fy = height - 3.5,
        v = m.version(),
        ecc = m.ecc(),
    );
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_controls() {
        assert_eq!(esc("<a&'\"\u{1}>"), "&lt;a&amp;&apos;&quot; &gt;");
        assert_eq!(esc("王小明"), "王小明");
    }

    #[test]
    fn capitalise_first_letter() {
        assert_eq!(capitalise("ordinary passport"), "Ordinary passport");
        assert_eq!(capitalise(""), "");
    }
}
