//! Revocation lists (FORMAT.md §12.3): withdrawn certificate ids, signed like
//! the trust list.
//!
//! Each entry is a [`RevocationId`]: SHA-256 over the issuer country's two ASCII
//! letters followed by the certificate id bytes, truncated to 16 bytes. The list
//! reveals nothing about holders, and ids of different issuers never collide.
//!
//! In memory the ids are one sorted `Vec<[u8; 16]>` (16 bytes per entry, no
//! per-entry allocation) searched by binary search; on the wire they are one byte
//! string of concatenated ids in strictly ascending order, so loading a
//! million ids is a signature check, one pass and one copy.

use sha2::{Digest, Sha256};

use crate::codec::cbor::{encode, Reader};
use crate::keys::{Kid, PublicKey};
use crate::model::{CertificateId, CountryCode, Timestamp};
use crate::SignedListError;

use super::roots::{unscoped, Root};
use super::signed::{check_fresh, encode_list, open, DocumentType, ListKind};

/// A revocation id: SHA-256(iss ‖ cti) truncated to 16 bytes.
pub type RevocationId = [u8; 16];

/// The revocation id of the certificate `cti` of issuer `iss`:
/// `SHA-256(ASCII(iss) ‖ cti)[0..16]`, where `ASCII(iss)` is the two upper-case
/// letters of the `iss` claim (always two bytes) and `cti` the raw id bytes.
pub fn revocation_id(iss: CountryCode, cti: &CertificateId) -> RevocationId {
    let mut h = Sha256::new();
    h.update(iss.as_str().as_bytes());
    h.update(cti.as_bytes());
    let digest = h.finalize();
    let mut id = [0u8; 16];
    for (o, d) in id.iter_mut().zip(digest.iter()) {
        *o = *d;
    }
    id
}

/// A revocation list: sorted, unique ids with the list's own issue time,
/// sequence number and expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationList {
    /// When the list was issued.
    pub issued_at: Timestamp,
    /// The list's sequence number, from 1; each new list has a greater one.
    pub sequence: u64,
    /// After this instant the list is no longer accepted.
    pub expires_at: Timestamp,
    ids: Vec<RevocationId>,
    /// The signing root's scope: a match counts only for certificates of
    /// these issuers (None: every issuer).
    scope: Option<Vec<CountryCode>>,
}

impl RevocationList {
    /// An empty list.
    pub fn new(issued_at: Timestamp, sequence: u64, expires_at: Timestamp) -> Self {
        Self {
            issued_at,
            sequence,
            expires_at,
            ids: Vec::new(),
            scope: None,
        }
    }

    /// Adds ids (kept sorted and unique).
    pub fn extend(&mut self, ids: impl IntoIterator<Item = RevocationId>) {
        self.ids.extend(ids);
        self.ids.sort_unstable();
        self.ids.dedup();
        self.ids.shrink_to_fit();
    }

    /// Adds the id of one certificate.
    pub fn revoke(&mut self, iss: CountryCode, cti: &CertificateId) {
        self.extend([revocation_id(iss, cti)]);
    }

    /// Whether `id` is on the list (binary search).
    pub fn contains(&self, id: &RevocationId) -> bool {
        self.ids.binary_search(id).is_ok()
    }

    /// Whether the certificate `cti` of issuer `iss` is revoked: its id is
    /// on the list and `iss` is in the scope of the root that signed the
    /// list (a root may not revoke another country's certificates).
    pub fn is_revoked(&self, iss: CountryCode, cti: &CertificateId) -> bool {
        self.applies_to(iss) && self.contains(&revocation_id(iss, cti))
    }

    /// Whether the list may revoke certificates of issuer `iss`: the signing
    /// root's scope holds it (always, for an unscoped root or a list made here).
    pub fn applies_to(&self, iss: CountryCode) -> bool {
        self.scope.as_ref().is_none_or(|s| s.contains(&iss))
    }

    /// The ids, ascending.
    pub fn ids(&self) -> &[RevocationId] {
        &self.ids
    }

    /// How many ids.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// No ids at all.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Heap bytes the ids occupy (capacity × 16).
    pub fn heap_bytes(&self) -> usize {
        self.ids.capacity() * std::mem::size_of::<RevocationId>()
    }

    /// The list's CBOR (the COSE payload).
    pub fn to_cbor(&self) -> Vec<u8> {
        let flat: Vec<u8> = self.ids.iter().flatten().copied().collect();
        let body = encode(|w| {
            w.bytes(&flat);
        });
        encode_list(
            DocumentType::RevocationList,
            self.issued_at,
            self.sequence,
            self.expires_at,
            body,
            Vec::new(),
        )
    }

    /// Signs the list with a root key: the COSE_Sign1 bytes to distribute.
    #[cfg(feature = "issue")]
    pub fn sign(&self, root: &impl crate::keys::Signer) -> Result<Vec<u8>, crate::keys::SignError> {
        super::signed::sign_list(root, &self.to_cbor())
    }

    /// Loads a signed revocation list: `Ok` only when it is signed by one of
    /// `roots`, valid at `now` and newer than `last_sequence` (0 before the
    /// first list). Also returns the kid of the root that signed it.
    pub fn verify(
        cose: &[u8],
        roots: &[PublicKey],
        now: Timestamp,
        last_sequence: u64,
    ) -> Result<(Self, Kid), SignedListError> {
        let (list, root) = Self::verify_with_roots(cose, &unscoped(roots), now, last_sequence)?;
        Ok((list, root.key().kid()))
    }

    /// Like [`RevocationList::verify`] with scoped roots: the list keeps the
    /// signing root's scope, and [`RevocationList::is_revoked`] ignores a
    /// match for a certificate whose issuer is outside it. Also returns the root.
    pub fn verify_with_roots(
        cose: &[u8],
        roots: &[Root],
        now: Timestamp,
        last_sequence: u64,
    ) -> Result<(Self, Root), SignedListError> {
        let opened = open(cose, Some(roots), ListKind::Revocation)?;
        check_fresh(&opened, now, last_sequence)?;
        let mut list = Self::decode(&opened)?;
        let root = opened
            .root
            .ok_or(SignedListError::UnknownRoot { kid: opened.signer })?;
        list.scope = root.scope().map(<[CountryCode]>::to_vec);
        Ok((list, root))
    }

    /// The list in `cose` as its own signer re-reads it before adding to it
    /// (`travelcert revoke`): signed by `root` (the signer's own public key)
    /// and of a sequence not below `last_sequence`, the last one this signer
    /// recorded; its validity period is not checked (an expired list may be
    /// renewed).
    pub fn verify_own(
        cose: &[u8],
        root: &PublicKey,
        last_sequence: u64,
    ) -> Result<Self, SignedListError> {
        let roots = [Root::new(root.clone())];
        let opened = open(cose, Some(&roots), ListKind::Revocation)?;
        if opened.sequence < last_sequence {
            return Err(SignedListError::Rollback {
                sequence: opened.sequence,
                last_sequence,
            });
        }
        Self::decode(&opened)
    }

    /// Decodes a signed list WITHOUT checking signature, validity or sequence
    /// (for inspection only; never re-sign what this returns).
    pub fn inspect(cose: &[u8]) -> Result<(Self, Kid), SignedListError> {
        let opened = open(cose, None, ListKind::Revocation)?;
        Ok((Self::decode(&opened)?, opened.signer))
    }

    fn decode(o: &super::signed::Opened<'_>) -> Result<Self, SignedListError> {
        let mut r = Reader::new(o.body);
        let flat = r
            .bytes("the revocation ids")
            .map_err(SignedListError::Malformed)?;
        r.finish().map_err(SignedListError::Malformed)?;
        let chunks = flat.chunks_exact(16);
        if !chunks.remainder().is_empty() {
            return Err(SignedListError::RevocationIds {
                reason: format!("{} bytes is not a multiple of 16", flat.len()),
            });
        }
        let mut ids: Vec<RevocationId> = Vec::with_capacity(flat.len() / 16);
        for chunk in chunks {
            let mut id = [0u8; 16];
            id.copy_from_slice(chunk);
            if ids.last().is_some_and(|last| *last >= id) {
                return Err(SignedListError::RevocationIds {
                    reason: format!("entry {} is not greater than the one before", ids.len()),
                });
            }
            ids.push(id);
        }
        Ok(Self {
            issued_at: o.issued_at,
            sequence: o.sequence,
            expires_at: o.expires_at,
            ids,
            scope: None,
        })
    }
}
