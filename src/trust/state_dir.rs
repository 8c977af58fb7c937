//! Where a verifier keeps its [`ListState`]: one file, `lists.json`, in a
//! directory the verifier owns (FORMAT.md §12.6) — never beside the lists,
//! which are untrusted input and may be renamed, replaced or planted.
//!
//! Writes are atomic: the state goes to a temporary file in the same
//! directory, which is flushed to disk, renamed over `lists.json`, and the
//! directory is flushed. A crash leaves either the old or the new state; a
//! torn temporary file is never read.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{ListState, RevocationList, Root, TrustStore};
use crate::model::Timestamp;
use crate::SignedListError;

/// The state file's name inside the directory.
const FILE: &str = "lists.json";
/// The prefix of temporary files (`.lists.json.tmp-PID`).
const TMP_PREFIX: &str = ".lists.json.tmp-";

/// Why the list state could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// Reading or writing the directory or its file failed.
    #[error("list state {path}: {reason}")]
    Io {
        /// The file or directory.
        path: String,
        /// The operating system's error.
        reason: String,
    },
    /// The state file is not a valid list state.
    #[error("list state {path}: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

impl StateError {
    /// The variant's stable name (FORMAT.md §12.4).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Io { .. } => "StateIo",
            Self::Invalid { .. } => "StateInvalid",
        }
    }
}

/// Why a signed list could not be loaded with the list state of a
/// [`StateDir`]: the state could not be read or written, or the list was
/// refused (nothing is saved then).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StateListError {
    /// The state directory or file.
    #[error(transparent)]
    State(StateError),
    /// The list itself.
    #[error(transparent)]
    List(SignedListError),
}

impl StateListError {
    /// The stable name of the underlying error (`State*` or `List*`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::State(e) => e.name(),
            Self::List(e) => e.name(),
        }
    }
}

impl From<StateError> for StateListError {
    fn from(e: StateError) -> Self {
        Self::State(e)
    }
}

fn io(path: &Path, e: &std::io::Error) -> StateError {
    StateError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// A directory holding a verifier's list state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateDir {
    dir: PathBuf,
}

impl StateDir {
    /// The state kept in `dir` (created, mode 0700, on the first save).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The default directory: `$XDG_STATE_HOME/travelcert`, else
    /// `$HOME/.local/state/travelcert`; `None` when neither variable is set
    /// (to an absolute path).
    pub fn default_dir() -> Option<PathBuf> {
        let absolute = |v: std::ffi::OsString| Some(PathBuf::from(v)).filter(|p| p.is_absolute());
        if let Some(state) = std::env::var_os("XDG_STATE_HOME").and_then(absolute) {
            return Some(state.join("travelcert"));
        }
        std::env::var_os("HOME")
            .and_then(absolute)
            .map(|home| home.join(".local/state/travelcert"))
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The state file.
    pub fn file(&self) -> PathBuf {
        self.dir.join(FILE)
    }

    /// Reads the state; an absent file (or directory) is the empty state.
    pub fn load(&self) -> Result<ListState, StateError> {
        let path = self.file();
        match fs::read(&path) {
            Ok(bytes) => ListState::from_json(&bytes).map_err(|e| StateError::Invalid {
                path: path.display().to_string(),
                reason: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ListState::default()),
            Err(e) => Err(io(&path, &e)),
        }
    }

    /// Writes the state atomically (temporary file, fsync, rename, fsync of
    /// the directory), creating the directory (mode 0700) when needed.
    pub fn save(&self, state: &ListState) -> Result<(), StateError> {
        create_private_dir(&self.dir)?;
        let tmp = self.dir.join(format!("{TMP_PREFIX}{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut options = OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut f = options.open(&tmp)?;
            f.write_all(state.to_json().as_bytes())?;
            f.write_all(b"\n")?;
            f.sync_all()
        };
        if let Err(e) = write() {
            let _ = fs::remove_file(&tmp);
            return Err(io(&tmp, &e));
        }
        let path = self.file();
        fs::rename(&tmp, &path).map_err(|e| io(&path, &e))?;
        // Make the rename itself durable.
        #[cfg(unix)]
        fs::File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io(&self.dir, &e))?;
        Ok(())
    }

    /// Runs `update` on the state read from this directory and saves the
    /// state only when `update` succeeds: the one way a caller loads signed
    /// lists under a state directory.
    pub fn update<T, E: From<StateError>>(
        &self,
        update: impl FnOnce(&mut ListState) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut state = self.load()?;
        let out = update(&mut state)?;
        self.save(&state)?;
        Ok(out)
    }

    /// Loads a signed trust list against `roots` at `now` with this
    /// directory's state ([`ListState::load_trust_list`]); the state is saved
    /// when the list loads.
    pub fn load_trust_list(
        &self,
        bytes: &[u8],
        roots: &[Root],
        now: Timestamp,
    ) -> Result<TrustStore, StateListError> {
        self.update(|state| {
            state
                .load_trust_list(bytes, roots, now)
                .map_err(StateListError::List)
        })
    }

    /// Loads a signed revocation list against `roots` at `now` with this
    /// directory's state ([`ListState::load_revocations`]); the state is
    /// saved when the list loads.
    pub fn load_revocations(
        &self,
        bytes: &[u8],
        roots: &[Root],
        now: Timestamp,
    ) -> Result<RevocationList, StateListError> {
        self.update(|state| {
            state
                .load_revocations(bytes, roots, now)
                .map_err(StateListError::List)
        })
    }
}

fn create_private_dir(dir: &Path) -> Result<(), StateError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| io(dir, &e))
}
