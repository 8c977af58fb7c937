//! What a verifier remembers between loads of signed lists: the highest
//! sequence numbers seen and the root keys added by rotation. The CLI keeps it
//! as a small JSON file beside the trust data.

use serde::{Deserialize, Serialize};

use crate::keys::PublicKey;
use crate::model::Timestamp;
use crate::SignedListError;

use super::{RevocationList, TrustList, TrustStore};

/// Persistent state for loading signed lists (JSON).
///
/// Loading through it accepts the list already installed again (same sequence)
/// and any newer one, and refuses every older one (rollback). A list that names
/// `next_roots` adds them to [`ListState::roots`], so the following list may be
/// signed by the new root.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListState {
    /// The highest trust-list sequence accepted (0: none yet).
    #[serde(default)]
    pub trust_sequence: u64,
    /// The highest revocation-list sequence accepted (0: none yet).
    #[serde(default)]
    pub revocation_sequence: u64,
    /// Root keys added by rotation, hex of the 32 raw bytes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roots: Vec<String>,
}

impl ListState {
    /// Parses the JSON form.
    pub fn from_json(json: &[u8]) -> Result<Self, SignedListError> {
        serde_json::from_slice(json).map_err(|e| SignedListError::Field {
            field: "state".to_owned(),
            reason: e.to_string(),
        })
    }

    /// The JSON form.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// `configured` roots plus the ones rotation added.
    pub fn all_roots(&self, configured: &[PublicKey]) -> Result<Vec<PublicKey>, SignedListError> {
        let mut roots = configured.to_vec();
        for (index, hex) in self.roots.iter().enumerate() {
            let key = PublicKey::from_hex(hex).map_err(|e| SignedListError::Field {
                field: format!("state.roots[{index}]"),
                reason: e.to_string(),
            })?;
            if !roots.contains(&key) {
                roots.push(key);
            }
        }
        Ok(roots)
    }

    /// Loads a signed trust list that is not older than the last one accepted,
    /// and records its sequence number and next roots.
    pub fn load_trust_list(
        &mut self,
        bytes: &[u8],
        roots: &[PublicKey],
        now: Timestamp,
    ) -> Result<TrustStore, SignedListError> {
        let all = self.all_roots(roots)?;
        let (list, _) = TrustList::verify(bytes, &all, now, self.trust_sequence.saturating_sub(1))?;
        self.trust_sequence = list.sequence;
        for root in &list.next_roots {
            let hex = hex::encode(root.to_bytes());
            if !self.roots.contains(&hex) && !roots.contains(root) {
                self.roots.push(hex);
            }
        }
        Ok(list.into_store())
    }

    /// Loads a signed revocation list that is not older than the last one
    /// accepted, and records its sequence number.
    pub fn load_revocations(
        &mut self,
        bytes: &[u8],
        roots: &[PublicKey],
        now: Timestamp,
    ) -> Result<RevocationList, SignedListError> {
        let all = self.all_roots(roots)?;
        let (list, _) =
            RevocationList::verify(bytes, &all, now, self.revocation_sequence.saturating_sub(1))?;
        self.revocation_sequence = list.sequence;
        Ok(list)
    }
}
