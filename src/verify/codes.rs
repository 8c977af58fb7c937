//! Several codes presented at once (the QR codes found in one image, or
//! texts pasted one per line): which of them make one certificate together,
//! and each certificate verified.

use super::Verified;
use super::Verifier;
use crate::model::Timestamp;
use crate::VerifyError;

/// One certificate among several codes: the texts that make it (one, or
/// the chunks of one SMART Health Card) and its verification result.
#[derive(Debug)]
pub struct CodeSet {
    /// The texts, as given.
    pub texts: Vec<String>,
    /// Its verification, as [`Verifier::verify`] (or, for chunks,
    /// [`Verifier::verify_shc_texts`]) gives it.
    pub result: Result<Verified, VerifyError>,
}

impl Verifier {
    /// Verifies the codes presented together: with feature `shc` the chunks
    /// of a SMART Health Card (`shc:/i/n/…`) make one card, verified first
    /// (chunks of two different cards fail together with
    /// `ShcChunkInconsistent`); every other text is one certificate, in the
    /// order given. Empty texts are skipped; texts are trimmed.
    pub fn verify_codes<S: AsRef<str>>(&self, texts: &[S], now: Timestamp) -> Vec<CodeSet> {
        let texts: Vec<&str> = texts
            .iter()
            .map(|t| t.as_ref().trim())
            .filter(|t| !t.is_empty())
            .collect();
        let mut sets = Vec::new();
        #[cfg(feature = "shc")]
        let texts = {
            let (chunks, rest): (Vec<&str>, Vec<&str>) =
                texts.into_iter().partition(|t| is_shc_chunk(t));
            if !chunks.is_empty() {
                sets.push(CodeSet {
                    result: self.verify_shc_texts(&chunks, now),
                    texts: chunks.into_iter().map(str::to_owned).collect(),
                });
            }
            rest
        };
        sets.extend(texts.into_iter().map(|t| CodeSet {
            result: self.verify(t, now),
            texts: vec![t.to_owned()],
        }));
        sets
    }
}

/// Whether `text` is one chunk of a multi-chunk SMART Health Card
/// (`shc:/i/n/…`, FORMAT.md §15.1).
#[cfg(feature = "shc")]
pub fn is_shc_chunk(text: &str) -> bool {
    text.strip_prefix(super::shc::SHC_PREFIX)
        .is_some_and(|rest| rest.contains('/'))
}
