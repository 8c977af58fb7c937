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

    /// Writes the card to `path`: SVG, or PDF on the paper asked for.
    pub(crate) fn write(
        &self,
        format: CardFormat,
        certificate: &Certificate,
        text: &str,
        qr: RenderOptions,
        path: &Path,
        force: bool,
    ) -> Result<(), Failure> {
        let options = self.options(qr)?;
        let bytes = match format {
            CardFormat::Svg => render::card_svg(certificate, text, &options)
                .map_err(usage)?
                .into_bytes(),
            CardFormat::Pdf => {
                render::card_pdf(certificate, text, &options, self.paper()?, &self.font)
                    .map_err(usage)?
            }
        };
        create(path, &bytes, Create::private(force))
    }
}

/// The file a card is written as.
#[derive(Clone, Copy)]
pub(crate) enum CardFormat {
    Svg,
    Pdf,
}
