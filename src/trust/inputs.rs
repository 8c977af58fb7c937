//! A verifier's trust inputs under one rule (FORMAT.md §12.6): with no root
//! configured, unsigned JSON stores are the trust data; once any root is
//! configured, every trust input must be a signed list that a configured root
//! (or a root it introduced) verifies, and an unsigned store is refused. The
//! kind of each input is said by the caller, never guessed from its bytes.

use crate::model::Timestamp;
use crate::{SignedListError, TrustError};

use super::{ListState, RevocationList, Root, TrustStore};

/// Why a trust input was refused. Each variant names the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustInputError {
    /// An unsigned JSON store was given while root keys are configured: it
    /// would bypass the roots.
    #[error("{input}: an unsigned trust store is refused when root keys are configured; give a signed trust list")]
    UnsignedRefused {
        /// The input's name (a file name, say).
        input: String,
    },
    /// A signed list was given but no root key is configured to check it.
    #[error("{input}: a signed list needs a configured root key")]
    NoRoot {
        /// The input's name.
        input: String,
    },
    /// The JSON store is invalid.
    #[error("{input}: {source}")]
    Store {
        /// The input's name.
        input: String,
        /// Why.
        source: TrustError,
    },
    /// The signed list was refused.
    #[error("{input}: {}: {source}", source.name())]
    List {
        /// The input's name.
        input: String,
        /// Why.
        source: SignedListError,
    },
}

impl TrustInputError {
    /// The variant's stable name (FORMAT.md §12.4); a refused list gives its
    /// own `List*` name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::UnsignedRefused { .. } => "TrustUnsignedRefused",
            Self::NoRoot { .. } => "TrustListNoRoot",
            Self::Store { .. } => "TrustStoreInvalid",
            Self::List { source, .. } => source.name(),
        }
    }

    /// The input the error is about.
    pub fn input(&self) -> &str {
        match self {
            Self::UnsignedRefused { input }
            | Self::NoRoot { input }
            | Self::Store { input, .. }
            | Self::List { input, .. } => input,
        }
    }
}

/// Collects a verifier's trust store (and revocation lists) from its inputs,
/// enforcing that nothing unsigned is trusted once a root is configured.
#[derive(Debug)]
pub struct TrustInputs<'s> {
    roots: Vec<Root>,
    state: &'s mut ListState,
    now: Timestamp,
    store: TrustStore,
    /// Configured country signing CAs: DSC files must chain to one.
    #[cfg(feature = "hcert")]
    cscas: Vec<super::Csca>,
}

impl<'s> TrustInputs<'s> {
    /// Inputs checked against `roots` at `now`, with the list state `state`
    /// (sequence numbers, rotated roots), which the caller persists after.
    pub fn new(roots: Vec<Root>, state: &'s mut ListState, now: Timestamp) -> Self {
        Self {
            roots,
            state,
            now,
            store: TrustStore::new(),
            #[cfg(feature = "hcert")]
            cscas: Vec::new(),
        }
    }

    /// Whether any root is configured (then only signed lists are accepted).
    pub fn has_roots(&self) -> bool {
        !self.roots.is_empty()
    }

    /// Adds an unsigned JSON trust store named `input`; refused
    /// (`TrustUnsignedRefused`) when any root is configured.
    pub fn add_json(&mut self, input: &str, json: &[u8]) -> Result<(), TrustInputError> {
        if self.has_roots() {
            return Err(TrustInputError::UnsignedRefused {
                input: input.to_owned(),
            });
        }
        let store = TrustStore::from_json(json).map_err(|source| TrustInputError::Store {
            input: input.to_owned(),
            source,
        })?;
        self.store.merge(store);
        Ok(())
    }

    /// Adds the country signing CA certificates (PEM or DER) of a file named
    /// `input`, scoped to `scope` when it is not empty. CSCAs are trust
    /// configuration, like roots: once any is configured, every DSC file
    /// added after must chain to one (FORMAT.md §14.4). Add them before the
    /// DSC files.
    #[cfg(feature = "hcert")]
    pub fn add_csca(
        &mut self,
        input: &str,
        bytes: &[u8],
        scope: &[crate::model::CountryCode],
    ) -> Result<(), TrustInputError> {
        let cscas = super::Csca::load(bytes).map_err(|source| TrustInputError::Store {
            input: input.to_owned(),
            source,
        })?;
        for csca in cscas {
            self.cscas.push(if scope.is_empty() {
                csca
            } else {
                csca.scoped(scope.iter().copied())
            });
        }
        Ok(())
    }

    /// Adds the document signer certificates (PEM, DER or the EU gateway's
    /// trust-list JSON) of a file named `input`, for `HC1:` certificates.
    /// With CSCAs configured ([`TrustInputs::add_csca`]) each DSC must chain
    /// to one: one that does not stays unusable and a certificate it signed
    /// fails with the chain's error (`HcertDscNotChained`, `HcertCsca*`).
    /// With no CSCA, a DSC file is bare, unsigned trust data: refused
    /// (`TrustUnsignedRefused`) when any root is configured.
    #[cfg(feature = "hcert")]
    pub fn add_dsc(&mut self, input: &str, bytes: &[u8]) -> Result<(), TrustInputError> {
        if self.has_roots() && self.cscas.is_empty() {
            return Err(TrustInputError::UnsignedRefused {
                input: input.to_owned(),
            });
        }
        self.store
            .add_dscs(bytes, &self.cscas)
            .map(|_| ())
            .map_err(|source| TrustInputError::Store {
                input: input.to_owned(),
                source,
            })
    }

    /// Adds the key set (JWKS) of the SMART Health Card issuer `url`, read
    /// from the file named `input`. A bare key set is unsigned trust data:
    /// refused (`TrustUnsignedRefused`) when any root is configured.
    #[cfg(feature = "shc")]
    pub fn add_shc_issuer(
        &mut self,
        input: &str,
        url: &str,
        jwks: &[u8],
    ) -> Result<(), TrustInputError> {
        if self.has_roots() {
            return Err(TrustInputError::UnsignedRefused {
                input: input.to_owned(),
            });
        }
        self.store
            .add_shc_issuer(url, jwks)
            .map_err(|source| TrustInputError::Store {
                input: input.to_owned(),
                source,
            })
    }

    /// Applies the SMART Health Card revocation list in the file named
    /// `input` (after the issuers' key sets were added). Unsigned: refused
    /// when any root is configured.
    #[cfg(feature = "shc")]
    pub fn add_shc_crl(&mut self, input: &str, crl: &[u8]) -> Result<(), TrustInputError> {
        if self.has_roots() {
            return Err(TrustInputError::UnsignedRefused {
                input: input.to_owned(),
            });
        }
        self.store
            .add_shc_crl(crl)
            .map_err(|source| TrustInputError::Store {
                input: input.to_owned(),
                source,
            })
    }

    /// Adds a signed trust list named `input`, checked against the roots and
    /// the state (FORMAT.md §12.2).
    pub fn add_signed_list(&mut self, input: &str, bytes: &[u8]) -> Result<(), TrustInputError> {
        if !self.has_roots() {
            return Err(TrustInputError::NoRoot {
                input: input.to_owned(),
            });
        }
        let store = self
            .state
            .load_trust_list(bytes, &self.roots, self.now)
            .map_err(|source| TrustInputError::List {
                input: input.to_owned(),
                source,
            })?;
        self.store.merge(store);
        Ok(())
    }

    /// Adds a trust input whose kind follows from the configuration, never
    /// from its bytes: with roots configured it must be a signed trust list
    /// (an input that is a JSON store instead is refused with
    /// `TrustUnsignedRefused`, naming it); without roots it is a JSON store
    /// (a signed list then gives `TrustListNoRoot`).
    pub fn add(&mut self, input: &str, bytes: &[u8]) -> Result<(), TrustInputError> {
        if self.has_roots() {
            match self.add_signed_list(input, bytes) {
                // Not a signed list at all: say so plainly when it is an
                // unsigned store (nothing of it is loaded either way).
                Err(TrustInputError::List {
                    source: SignedListError::Malformed(_),
                    ..
                }) if TrustStore::from_json(bytes).is_ok() => {
                    Err(TrustInputError::UnsignedRefused {
                        input: input.to_owned(),
                    })
                }
                other => other,
            }
        } else {
            match self.add_json(input, bytes) {
                Err(TrustInputError::Store { .. }) if super::TrustList::inspect(bytes).is_ok() => {
                    Err(TrustInputError::NoRoot {
                        input: input.to_owned(),
                    })
                }
                other => other,
            }
        }
    }

    /// Loads a signed revocation list named `input` (FORMAT.md §12.3).
    pub fn revocations(
        &mut self,
        input: &str,
        bytes: &[u8],
    ) -> Result<RevocationList, TrustInputError> {
        if !self.has_roots() {
            return Err(TrustInputError::NoRoot {
                input: input.to_owned(),
            });
        }
        self.state
            .load_revocations(bytes, &self.roots, self.now)
            .map_err(|source| TrustInputError::List {
                input: input.to_owned(),
                source,
            })
    }

    /// The trust store collected.
    pub fn into_store(self) -> TrustStore {
        self.store
    }
}
