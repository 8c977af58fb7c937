//! Root keys: the keys a verifier trusts to sign lists, each optionally scoped
//! to the countries it may vouch for (FORMAT.md §12.6).

use crate::keys::PublicKey;
use crate::model::CountryCode;

/// A root key that signs trust and revocation lists, with an optional country
/// scope.
///
/// An unscoped root vouches for keys and certificates of every country; a
/// scoped one only for its countries: a trust-list entry of another country is
/// refused (`ListKeyOutOfScope`) and a revocation it signs only applies to
/// certificates whose issuer is in its scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    key: PublicKey,
    scope: Option<Vec<CountryCode>>,
}

impl Root {
    /// A root that may vouch for every country.
    pub fn new(key: PublicKey) -> Self {
        Self { key, scope: None }
    }

    /// A root that may vouch only for `countries` (an empty scope vouches for
    /// nothing).
    pub fn scoped(key: PublicKey, countries: impl IntoIterator<Item = CountryCode>) -> Self {
        let mut scope: Vec<CountryCode> = countries.into_iter().collect();
        scope.sort();
        scope.dedup();
        Self {
            key,
            scope: Some(scope),
        }
    }

    /// The public key.
    pub fn key(&self) -> &PublicKey {
        &self.key
    }

    /// The countries it may vouch for; `None`: every country.
    pub fn scope(&self) -> Option<&[CountryCode]> {
        self.scope.as_deref()
    }

    /// Whether it may vouch for keys and certificates of `country`.
    pub fn allows(&self, country: CountryCode) -> bool {
        self.scope.as_ref().is_none_or(|s| s.contains(&country))
    }

    /// The root's fingerprint: the hex of its 32 raw key bytes (FORMAT.md
    /// §12.6). Trust data and verify output name roots by it.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.key)
    }

    /// A root introduced by this one (`next_roots`): it inherits this root's
    /// scope, so a scoped root can never hand over more than it holds.
    pub(crate) fn introduce(&self, key: PublicKey) -> Self {
        Self {
            key,
            scope: self.scope.clone(),
        }
    }
}

impl From<PublicKey> for Root {
    fn from(key: PublicKey) -> Self {
        Self::new(key)
    }
}

/// The fingerprint of a root key: hex of its 32 raw bytes.
pub fn fingerprint(key: &PublicKey) -> String {
    hex::encode(key.to_bytes())
}

/// Unscoped roots for plain keys.
pub(crate) fn unscoped(keys: &[PublicKey]) -> Vec<Root> {
    keys.iter().cloned().map(Root::new).collect()
}
