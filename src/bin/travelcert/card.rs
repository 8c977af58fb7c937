//! The printable card of `issue` and `render`: SVG or PDF, in the languages
//! and on the paper asked for.

use std::path::Path;

use travelcert::model::Certificate;
use travelcert::render::{self, CardLanguage, CardOptions, Paper, RenderOptions};

use crate::cli::CardStyle;
use crate::exit::{usage, Failure};
use crate::output::{create, Create};

impl CardStyle {
    /// Card options for these flags and QR options.
    pub(crate) fn options(&self, qr: RenderOptions) -> Result<CardOptions, Failure> {
        let languages = self
            .card_lang
            .iter()
            .map(|code| code.trim().parse::<CardLanguage>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(usage)?;
        Ok(CardOptions {
            languages,
            qr,
            ..CardOptions::default()
        })
    }

    fn paper(&self) -> Result<Paper, Failure> {
        match self.card_paper.to_ascii_lowercase().as_str() {
            "a6" => Ok(Paper::A6),
            "a4" => Ok(Paper::A4),
            other => Err(usage(format!(
                "--card-paper must be a6 or a4, not {other:?}"
            ))),
        }
    }

    /// Writes the card as SVG to `path`.
    pub(crate) fn write_svg(
        &self,
        certificate: &Certificate,
        text: &str,
        qr: RenderOptions,
        path: &Path,
        force: bool,
    ) -> Result<(), Failure> {
        let svg = render::card_svg(certificate, text, &self.options(qr)?).map_err(usage)?;
        create(path, svg.as_bytes(), Create::private(force))
    }

    /// Writes the card as PDF to `path`.
    pub(crate) fn write_pdf(
        &self,
        certificate: &Certificate,
        text: &str,
        qr: RenderOptions,
        path: &Path,
        force: bool,
    ) -> Result<(), Failure> {
        let pdf = render::card_pdf(
            certificate,
            text,
            &self.options(qr)?,
            self.paper()?,
            &self.font,
        )
        .map_err(usage)?;
        create(path, &pdf, Create::private(force))
    }
}
