//! What a verifier remembers between loads of signed lists (FORMAT.md §12.6):
//! the highest sequence number accepted per list — a list is identified by
//! its signing root and its kind (trust / revocation), never by a file name —
//! and the roots introduced by rotation, each with who introduced it and the
//! signed list that did.
//!
//! Nothing here can add trust by itself: an introduced root is honoured only
//! while the root that introduced it is configured, only when the recorded
//! list verifies under that root and names it, and only with that root's
//! scope. A forged or edited state can at worst refuse lists (raised
//! sequences) or re-admit an older list (lowered ones); that is why
//! [`super::StateDir`] keeps it in a directory the verifier owns.

use serde::{Deserialize, Serialize};

use crate::keys::PublicKey;
use crate::model::Timestamp;
use crate::SignedListError;

use super::roots::{fingerprint, Root};
use super::signed::{signer_kid, ListKind};
use super::{RevocationList, TrustList, TrustStore};

/// The highest sequence accepted for one list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sequence {
    /// The signing root's fingerprint (hex of its key).
    root: String,
    kind: ListKind,
    sequence: u64,
}

/// A root introduced by a list's `next_roots`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Introduction {
    /// The fingerprint of the root that signed the list.
    introducer: String,
    /// The fingerprint of the introduced root.
    root: String,
    /// The signed list (COSE_Sign1, hex) that names it: re-verified under
    /// the introducer on every load.
    evidence: String,
}

/// Persistent state for loading signed lists (JSON).
///
/// Loading through it accepts the list already installed again (same
/// sequence) and any newer one, and refuses every older one (rollback), per
/// signing root and list kind. Sequences continue across a rotation: a list
/// signed by an introduced root also raises its introducer's counter, and the
/// other way round.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListState {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    sequences: Vec<Sequence>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    introductions: Vec<Introduction>,
}

fn state_field(field: String, reason: impl Into<String>) -> SignedListError {
    SignedListError::Field {
        field,
        reason: reason.into(),
    }
}

fn is_fingerprint(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl ListState {
    /// Parses the JSON form, checking that every root is a fingerprint (64
    /// lower-case hex digits) and every evidence is hex.
    pub fn from_json(json: &[u8]) -> Result<Self, SignedListError> {
        let state: Self = serde_json::from_slice(json)
            .map_err(|e| state_field("state".to_owned(), e.to_string()))?;
        for (i, s) in state.sequences.iter().enumerate() {
            if !is_fingerprint(&s.root) {
                return Err(state_field(
                    format!("state.sequences[{i}].root"),
                    "is not 64 lower-case hex digits",
                ));
            }
        }
        for (i, r) in state.introductions.iter().enumerate() {
            if !is_fingerprint(&r.introducer) || !is_fingerprint(&r.root) {
                return Err(state_field(
                    format!("state.introductions[{i}]"),
                    "a root is not 64 lower-case hex digits",
                ));
            }
            if hex::decode(&r.evidence).is_err() {
                return Err(state_field(
                    format!("state.introductions[{i}].evidence"),
                    "is not hex",
                ));
            }
        }
        Ok(state)
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The highest sequence accepted for the `kind` list signed by `root`
    /// (0: none yet).
    pub fn sequence(&self, root: &PublicKey, kind: ListKind) -> u64 {
        let fp = fingerprint(root);
        self.sequences
            .iter()
            .find(|s| s.root == fp && s.kind == kind)
            .map_or(0, |s| s.sequence)
    }

    /// Records `sequence` as the highest accepted for the `kind` list signed
    /// by `root` (a publisher records what it signed; tests set up a state).
    pub fn set_sequence(&mut self, root: &PublicKey, kind: ListKind, sequence: u64) {
        self.set(fingerprint(root), kind, sequence);
    }

    fn set(&mut self, fp: String, kind: ListKind, sequence: u64) {
        match self
            .sequences
            .iter_mut()
            .find(|s| s.root == fp && s.kind == kind)
        {
            Some(s) => s.sequence = sequence,
            None => self.sequences.push(Sequence {
                root: fp,
                kind,
                sequence,
            }),
        }
    }

    /// `fp` and the roots a recorded introduction links it to (either way).
    fn linked(&self, fp: &str) -> Vec<String> {
        let mut out = vec![fp.to_owned()];
        for r in &self.introductions {
            for (a, b) in [(&r.introducer, &r.root), (&r.root, &r.introducer)] {
                if a == fp && !out.contains(b) {
                    out.push(b.clone());
                }
            }
        }
        out
    }

    /// The last sequence for a list signed by `fp`: the highest over the
    /// roots linked to it.
    fn last(&self, fp: &str, kind: ListKind) -> u64 {
        self.linked(fp)
            .iter()
            .filter_map(|l| {
                self.sequences
                    .iter()
                    .find(|s| &s.root == l && s.kind == kind)
            })
            .map(|s| s.sequence)
            .max()
            .unwrap_or(0)
    }

    fn accept(&mut self, fp: &str, kind: ListKind, sequence: u64) {
        for l in self.linked(fp) {
            self.set(l, kind, sequence);
        }
    }

    /// The roots introduced by rotation that are honoured with `configured`:
    /// those whose introducer is configured and whose recorded list verifies
    /// under it and names them; each takes its introducer's scope. Records
    /// that do not hold are ignored (they add nothing).
    pub fn introduced_roots(&self, configured: &[Root]) -> Vec<Root> {
        let mut out: Vec<Root> = Vec::new();
        for r in &self.introductions {
            let Some(introducer) = configured.iter().find(|c| c.fingerprint() == r.introducer)
            else {
                continue;
            };
            let Ok(evidence) = hex::decode(&r.evidence) else {
                continue;
            };
            let Ok(list) = TrustList::verify_signature_only(&evidence, introducer) else {
                continue;
            };
            if let Some(key) = list.next_roots.iter().find(|k| fingerprint(k) == r.root) {
                let root = introducer.introduce(key.clone());
                let known = |x: &Root| x.key() == key;
                if !configured.iter().any(known) && !out.iter().any(known) {
                    out.push(root);
                }
            }
        }
        out
    }

    /// `configured` roots plus the ones rotation introduced that are honoured
    /// ([`ListState::introduced_roots`]).
    pub fn all_roots(&self, configured: &[Root]) -> Vec<Root> {
        let mut roots = configured.to_vec();
        roots.extend(self.introduced_roots(configured));
        roots
    }

    /// Loads a signed trust list signed by one of `roots` (or a root they
    /// introduced) that is not older than the last one accepted from its
    /// signer, and records its sequence number and next roots.
    pub fn load_trust_list(
        &mut self,
        bytes: &[u8],
        roots: &[Root],
        now: Timestamp,
    ) -> Result<TrustStore, SignedListError> {
        let all = self.all_roots(roots);
        let kid = signer_kid(bytes);
        // The last sequence depends on the signer: try each candidate root.
        let last = all
            .iter()
            .filter(|r| Some(r.key().kid()) == kid)
            .map(|r| self.last(&r.fingerprint(), ListKind::Trust))
            .max()
            .unwrap_or(0);
        let (list, signer) =
            TrustList::verify_with_roots(bytes, &all, now, last.saturating_sub(1))?;
        let signer_fp = signer.fingerprint();
        for next in &list.next_roots {
            let fp = fingerprint(next);
            let recorded = self
                .introductions
                .iter()
                .any(|r| r.introducer == signer_fp && r.root == fp);
            if !recorded && !roots.iter().any(|r| r.key() == next) {
                self.introductions.push(Introduction {
                    introducer: signer_fp.clone(),
                    root: fp,
                    evidence: hex::encode(bytes),
                });
            }
        }
        self.accept(&signer_fp, ListKind::Trust, list.sequence);
        Ok(list.into_store())
    }

    /// Loads a signed revocation list signed by one of `roots` (or a root
    /// they introduced) that is not older than the last one accepted from its
    /// signer, and records its sequence number. The list keeps the signer's
    /// scope.
    pub fn load_revocations(
        &mut self,
        bytes: &[u8],
        roots: &[Root],
        now: Timestamp,
    ) -> Result<RevocationList, SignedListError> {
        let all = self.all_roots(roots);
        let kid = signer_kid(bytes);
        let last = all
            .iter()
            .filter(|r| Some(r.key().kid()) == kid)
            .map(|r| self.last(&r.fingerprint(), ListKind::Revocation))
            .max()
            .unwrap_or(0);
        let (list, signer) =
            RevocationList::verify_with_roots(bytes, &all, now, last.saturating_sub(1))?;
        self.accept(&signer.fingerprint(), ListKind::Revocation, list.sequence);
        Ok(list)
    }

    /// The signer's own revocation list re-read before adding to it
    /// ([`RevocationList::verify_own`] against the last sequence recorded for
    /// `root`).
    pub fn reopen_own_revocations(
        &self,
        bytes: &[u8],
        root: &PublicKey,
    ) -> Result<RevocationList, SignedListError> {
        RevocationList::verify_own(
            bytes,
            root,
            self.last(&fingerprint(root), ListKind::Revocation),
        )
    }
}
