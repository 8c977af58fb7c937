//! The printable certificate card: the QR code plus the summary a border
//! officer reads beside it, as one SVG sized for A6 paper (105 × 148 mm).

use std::fmt::{self, Write as _};

use super::labels::{joined, CardLanguage, Labels};
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
    /// The heading printed at the top; `None` prints the title in the card's
    /// languages.
    pub title: Option<String>,
    /// The languages of the labels, in print order, joined with " / " (the
    /// bilingual card of the original certificate: `[Zh, En]`). Empty means
    /// English. Names and facility names are printed as they are.
    pub languages: Vec<CardLanguage>,
    /// QR options (error-correction level, version limit, colours); the scale
    /// is ignored, the card is vector.
    pub qr: RenderOptions,
}

impl Default for CardOptions {
    fn default() -> Self {
        Self {
            title: None,
            languages: vec![CardLanguage::En],
            qr: RenderOptions::default(),
        }
    }
}

impl CardOptions {
    fn languages(&self) -> &[CardLanguage] {
        if self.languages.is_empty() {
            &[CardLanguage::En]
        } else {
            &self.languages
        }
    }
}

/// A6 width and minimum height, millimetres.
const WIDTH_MM: f64 = 105.0;
const HEIGHT_MM: f64 = 148.0;
const MARGIN: f64 = 6.0;
/// Type sizes of the heading and the footer, millimetres.
const TITLE_SIZE: f64 = 4.5;
const FOOTER_SIZE: f64 = 2.4;

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
    /// A section's first line: larger, bold, set apart from what precedes it.
    fn heading(text: String) -> Self {
        Self {
            gap_before: 1.5,
            ..Self::new(3.4, "700", text)
        }
    }
}

/// Writes `text` wrapped to `width` mm as `<text>` lines of `size` mm with
/// `style` (their font attributes), moving `y` down by each line's height.
fn write_wrapped(out: &mut String, text: &str, size: f64, style: &str, width: f64, y: &mut f64) {
    for part in wrap(text, size, width) {
        *y += size;
        let _ = writeln!(
            out,
            "<text x=\"{MARGIN}\" y=\"{:.2}\" {style}>{}</text>",
            *y,
            esc(&part)
        );
        *y += size * 0.25;
    }
}

/// A result word (`negative`, …) in the card's languages; an unknown code as
/// the model names it.
fn result_word(languages: &[CardLanguage], label: &str) -> String {
    let field: Option<fn(&Labels) -> &'static str> = match label {
        "negative" => Some(|l| l.negative),
        "positive" => Some(|l| l.positive),
        "inconclusive" => Some(|l| l.inconclusive),
        _ => None,
    };
    field.map_or_else(|| label.to_uppercase(), |f| joined(languages, f))
}

fn summary(cert: &Certificate, languages: &[CardLanguage]) -> Vec<Line> {
    let say = |field: fn(&Labels) -> &'static str| joined(languages, field);
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
    let mut about = format!(
        "{} {} · {} {} · {} {}",
        say(|l| l.born),
        h.date_of_birth,
        say(|l| l.sex),
        h.sex.name().unwrap_or("?"),
        say(|l| l.nationality),
        h.nationality
    );
    if let Some(flight) = cert.record.journey.as_ref().and_then(|j| j.flight.as_ref()) {
        about.push_str(&format!(" · {} {flight}", say(|l| l.flight)));
    }
    lines.push(Line::new(2.8, "400", about));
    lines.push(Line::new(
        4.2,
        "700",
        format!(
            "{}: {}  {}",
            say(|l| l.document),
            capitalise(&h.document_type.label()),
            h.document_number
        ),
    ));
    let sampled = |at: Timestamp, name: &str, country: &dyn fmt::Display| {
        Line::new(
            2.6,
            "400",
            format!("{} {} · {name} ({country})", say(|l| l.sampled), minute(at)),
        )
    };
    for t in &cert.record.nat_tests {
        lines.push(Line::heading(format!(
            "{} {} {}: {}",
            say(|l| l.nat),
            t.disease.label(),
            t.method.label(),
            result_word(languages, &t.result.label())
        )));
        lines.push(sampled(
            t.sampled_at,
            &t.laboratory.name,
            &t.laboratory.country,
        ));
    }
    for t in &cert.record.antibody_tests {
        let quantity = t
            .quantity
            .as_ref()
            .map_or(String::new(), |q| format!(" ({q})"));
        lines.push(Line::heading(format!(
            "{} {}: {}{quantity}",
            say(|l| l.antibody),
            t.class.label(),
            result_word(languages, &t.result.label())
        )));
        lines.push(sampled(
            t.sampled_at,
            &t.laboratory.name,
            &t.laboratory.country,
        ));
    }
    for v in &cert.record.vaccinations {
        lines.push(Line::heading(format!(
            "{} {} {} {}/{}: {}",
            say(|l| l.vaccination),
            v.disease.label(),
            say(|l| l.dose),
            v.dose,
            v.series_total,
            v.date
        )));
        lines.push(Line::new(
            2.6,
            "400",
            format!(
                "{} · {} ({})",
                v.product.label(),
                v.centre.name,
                v.centre.country
            ),
        ));
    }
    lines.push(Line::heading(format!(
        "{} {}",
        say(|l| l.valid_until),
        minute(cert.expires_at)
    )));
    lines.push(Line::new(
        2.6,
        "400",
        format!(
            "{} {} · {} · {} {}",
            say(|l| l.issued_by),
            cert.issuer,
            minute(cert.issued_at),
            say(|l| l.certificate_id),
            cert.certificate_id
        ),
    ));
    lines
}

/// Estimated width of `text` at font size `size` (mm): wide (CJK) characters
/// one em, upper case and digits 0.62 em, others 0.5 em (bold sans-serif).
fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| {
            if u32::from(c) >= 0x1100 {
                1.0
            } else if c.is_ascii_uppercase() || c.is_ascii_digit() {
                0.62
            } else {
                0.5
            }
        })
        .sum::<f64>()
        * size
}

/// Splits `text` at spaces into lines no wider than `max`; a word wider than
/// `max` (a name in a script written without spaces, a long facility name) is
/// split between characters, so nothing runs off the card.
fn wrap(text: &str, size: f64, max: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if text_width(&candidate, size) <= max {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        for c in word.chars() {
            let mut next = current.clone();
            next.push(c);
            if text_width(&next, size) > max && !current.is_empty() {
                lines.push(std::mem::replace(&mut current, c.to_string()));
            } else {
                current = next;
            }
        }
    }
    lines.push(current);
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
/// as an SVG document 105 mm wide: the QR code on top (54 mm, about 0.6 mm per
/// module for a typical certificate) and the human-readable summary below it,
/// long lines wrapped.
/// The card is A6 (148 mm tall) unless the record has so many entries that it
/// needs more height; then it grows downwards and keeps its type sizes.
///
/// Type sizes (font size in mm): native name 6 (≈17 pt), Latin name 5
/// (≈14 pt), document number 4.2 (≈12 pt), result lines and validity 3.4
/// (≈9.6 pt), details (laboratory, centre, issue time) 2.6 (≈7.4 pt).
pub fn card_svg(
    certificate: &Certificate,
    text: &str,
    options: &CardOptions,
) -> Result<String, RenderError> {
    let m = matrix(text, &options.qr)?;
    let qz = super::check_quiet_zone(options.qr.quiet_zone)?;
    let total = m.width() as f64 + 2.0 * qz as f64;
    let languages = options.languages();
    let width = WIDTH_MM - 2.0 * MARGIN;
    let title = options
        .title
        .clone()
        .unwrap_or_else(|| joined(languages, |l| l.title));
    let mut heading = String::new();
    let mut y = 3.0;
    let title_style = format!("font-size=\"{TITLE_SIZE}\" font-weight=\"700\" fill=\"#1f3a5f\"");
    write_wrapped(
        &mut heading,
        &title,
        TITLE_SIZE,
        &title_style,
        width,
        &mut y,
    );
    let qr_side = 54.0_f64;
    let qr_x = (WIDTH_MM - qr_side) / 2.0;
    let qr_y = y + 1.5;
    let lines = summary(certificate, languages);

    let mut body = heading;
    y = qr_y + qr_side + 2.0;
    for line in &lines {
        y += line.gap_before;
        let style = format!(
            "font-size=\"{:.2}\" font-weight=\"{}\"",
            line.size, line.weight
        );
        write_wrapped(&mut body, &line.text, line.size, &style, width, &mut y);
    }
    let footer = format!(
        "QR version {}, ECC {}. {}",
        m.version(),
        m.ecc(),
        joined(languages, |l| l.footer)
    );
    y += 1.0;
    let footer_style = format!("font-size=\"{FOOTER_SIZE}\" fill=\"#555555\"");
    write_wrapped(
        &mut body,
        &footer,
        FOOTER_SIZE,
        &footer_style,
        width,
        &mut y,
    );
    let height = (y + 3.5).max(HEIGHT_MM);
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
            "<g transform=\"translate({qx:.3} {qy:.3}) scale({s:.5})\" shape-rendering=\"crispEdges\">\n",
            "<rect width=\"{t}\" height=\"{t}\" fill=\"{light}\"/>\n",
            "<path fill=\"{dark}\" d=\"{d}\"/>\n",
            "</g>\n",
            "{body}",
            "</g>\n</svg>\n"
        ),
        w = WIDTH_MM,
        h = height,
        iw = WIDTH_MM - 2.0,
        ih = height - 2.0,
        title = esc(&title),
        font = esc(CARD_FONT_FAMILY),
        qx = qr_x,
        qy = qr_y,
        s = scale,
        t = total,
        light = options.qr.light.hex(),
        dark = options.qr.dark.hex(),
        d = svg_path(&m, qz),
        body = body,
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
    fn long_lines_wrap_at_spaces() {
        let lines = wrap("aaaa bbbb cccc dddd", 1.0, 5.0);
        assert_eq!(lines, vec!["aaaa bbbb", "cccc dddd"]);
        // A word wider than the line is split between characters, never
        // left to run off the card, and nothing is lost.
        assert_eq!(wrap("unbreakable", 1.0, 2.0), vec!["unbr", "eaka", "ble"]);
        assert_eq!(wrap("王小明王小明", 1.0, 2.0), vec!["王小", "明王", "小明"]);
        assert!(text_width("王小明", 6.0) > text_width("WANG", 6.0));
    }

    #[test]
    fn capitalise_first_letter() {
        assert_eq!(capitalise("ordinary passport"), "Ordinary passport");
        assert_eq!(capitalise(""), "");
    }
}
