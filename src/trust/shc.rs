//! SMART Health Card issuers: each issuer URL with its key set (JWKS) and
//! the revocation lists of its keys, saved beforehand (no network).

use crate::verify::shc::{self, Crl, Jwk};
use crate::TrustError;

use super::TrustStore;

/// One configured issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShcIssuer {
    pub(crate) url: String,
    pub(crate) keys: Vec<Jwk>,
    pub(crate) crls: Vec<Crl>,
    /// The root whose signed trust list listed this issuer; `None` for a bare
    /// key set.
    pub(crate) vouched_by: Option<crate::keys::PublicKey>,
}

impl ShcIssuer {
    pub(crate) fn key(&self, kid: &str) -> Option<&Jwk> {
        self.keys.iter().find(|k| k.kid == kid)
    }

    pub(crate) fn crl(&self, kid: &str) -> Option<&Crl> {
        self.crls.iter().find(|c| c.kid == kid)
    }
}

impl TrustStore {
    /// This store, also trusting the SMART Health Card issuer `url` (its
    /// `iss`, an https URL without a trailing slash) with the key set `jwks`
    /// (the JSON it publishes at `<url>/.well-known/jwks.json`). Keys are
    /// checked when a card names them (EC P-256, `use` sig, `alg` ES256, kid
    /// = RFC 7638 thumbprint). Unsigned trust data: [`super::TrustInputs`]
    /// refuses it once a root is configured.
    pub fn with_shc_issuer(mut self, url: &str, jwks: &[u8]) -> Result<Self, TrustError> {
        self.add_shc_issuer(url, jwks)?;
        Ok(self)
    }

    /// Adds a SMART Health Card issuer (see [`TrustStore::with_shc_issuer`]);
    /// a second key set for the same issuer adds its keys. Refused
    /// (`TrustError::UnsignedRefused`) when the store is signed
    /// ([`TrustStore::is_signed`]): issuers then come inside the list.
    pub fn add_shc_issuer(&mut self, url: &str, jwks: &[u8]) -> Result<(), TrustError> {
        self.refuse_unsigned_if_signed("a SMART Health Card key set")?;
        self.insert_shc_issuer(url, jwks)
    }

    /// Refuses unsigned trust data (`what`) when the store is signed.
    fn refuse_unsigned_if_signed(&self, what: &'static str) -> Result<(), TrustError> {
        if self.is_signed() {
            return Err(TrustError::UnsignedRefused {
                what,
                remedy: "it must come inside the signed trust list",
            });
        }
        Ok(())
    }

    /// Adds an issuer whether or not the store is signed.
    fn insert_shc_issuer(&mut self, url: &str, jwks: &[u8]) -> Result<(), TrustError> {
        if !shc::issuer_url_ok(url) {
            return Err(TrustError::ShcIssuerUrl {
                issuer: url.to_owned(),
            });
        }
        let keys = shc::parse_jwks(jwks).map_err(|reason| TrustError::ShcKeySet {
            issuer: url.to_owned(),
            reason,
        })?;
        match self.shc_issuers.iter_mut().find(|i| i.url == url) {
            Some(issuer) => issuer.keys.extend(keys),
            None => self.shc_issuers.push(ShcIssuer {
                url: url.to_owned(),
                keys,
                crls: Vec::new(),
                vouched_by: None,
            }),
        }
        Ok(())
    }

    /// Adds an issuer from a signed trust list, recording the root that
    /// vouched for it (`Origin::root` of the cards it signed).
    pub(crate) fn add_listed_shc_issuer(
        &mut self,
        url: &str,
        jwks: &[u8],
        vouched_by: Option<crate::keys::PublicKey>,
    ) -> Result<(), TrustError> {
        self.insert_shc_issuer(url, jwks)?;
        if let Some(issuer) = self.shc_issuers.iter_mut().find(|i| i.url == url) {
            issuer.vouched_by = issuer.vouched_by.take().or(vouched_by);
        }
        Ok(())
    }

    /// This store, also applying a SMART Health Card revocation list (method
    /// `rid`) to the cards signed by the key it names. The key must be in a
    /// configured issuer's key set and its `crlVersion` must equal the list's
    /// `ctr`.
    pub fn with_shc_crl(mut self, crl: &[u8]) -> Result<Self, TrustError> {
        self.add_shc_crl(crl)?;
        Ok(self)
    }

    /// Adds a SMART Health Card revocation list (see
    /// [`TrustStore::with_shc_crl`]). Refused (`TrustError::UnsignedRefused`)
    /// when the store is signed: its lists then come inside the list.
    pub fn add_shc_crl(&mut self, crl: &[u8]) -> Result<(), TrustError> {
        self.refuse_unsigned_if_signed("a SMART Health Card revocation list")?;
        self.insert_shc_crl(crl)
    }

    /// Applies a revocation list whether or not the store is signed.
    pub(crate) fn insert_shc_crl(&mut self, crl: &[u8]) -> Result<(), TrustError> {
        let fail = |reason: String| TrustError::ShcCrl { reason };
        let crl = shc::parse_crl(crl).map_err(fail)?;
        let issuer = self
            .shc_issuers
            .iter_mut()
            .find(|i| i.key(&crl.kid).is_some())
            .ok_or_else(|| fail(format!("no configured issuer has key {}", crl.kid)))?;
        let version = issuer.key(&crl.kid).and_then(|k| k.crl_version);
        if version != Some(crl.ctr) {
            return Err(fail(format!(
                "the list's ctr is {} but key {}'s crlVersion is {}",
                crl.ctr,
                crl.kid,
                version.map_or_else(|| "absent".to_owned(), |v| v.to_string())
            )));
        }
        issuer.crls.retain(|c| c.kid != crl.kid);
        issuer.crls.push(crl);
        Ok(())
    }

    /// The configured SMART Health Card issuer URLs.
    pub fn shc_issuers(&self) -> impl Iterator<Item = &str> {
        self.shc_issuers.iter().map(|i| i.url.as_str())
    }

    pub(crate) fn shc_issuer(&self, url: &str) -> Option<&ShcIssuer> {
        self.shc_issuers.iter().find(|i| i.url == url)
    }
}
