//! Issuer keys in a hardware security module, through PKCS#11 (feature `pkcs11`).
//!
//! A [`Pkcs11Signer`] signs with an Ed25519 key (`CKK_EC_EDWARDS`, mechanism
//! `CKM_EDDSA`) that never leaves the token. It is found by an RFC 7512 URI
//! ([`Pkcs11Uri`]):
//!
//! ```text
//! pkcs11:token=travelcert;object=issuer?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/secrets/pin
//! ```
//!
//! At open it reads the public key from the token, checks that it is a valid
//! Ed25519 key and that a test signature verifies under it. It signs through
//! a small pool of sessions, so one signer serves several threads. When the
//! token or its session goes away it re-opens a session and logs in again,
//! a bounded number of times with a growing pause; after recovering it reads
//! the public key again and refuses to sign if it changed. Errors are
//! [`Pkcs11Error`]s; no PKCS#11 library type appears in this API.
//!
//! The module (the vendor's shared library) is loaded and initialised once
//! per process and per path, and never finalised, so several signers on one
//! module can coexist.

mod error;
mod token;
mod uri;

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use cryptoki::context::Pkcs11;
use cryptoki::mechanism::eddsa::{EddsaParams, EddsaSignatureScheme};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::ObjectHandle;
use cryptoki::session::Session;
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;
use zeroize::Zeroizing;

use super::{PublicKey, Signer};
pub use error::Pkcs11Error;
pub use uri::Pkcs11Uri;

/// The environment variable naming the module when neither the URI nor the
/// options do.
pub const MODULE_ENV: &str = "TRAVELCERT_PKCS11_MODULE";
/// The environment variable holding the PIN when the URI has no `pin-source`.
pub const PIN_ENV: &str = "TRAVELCERT_PKCS11_PIN";

/// The largest PIN file read (bytes).
const MAX_PIN_FILE: u64 = 1024;
/// The message signed at open to check that the private and public objects
/// are one key pair.
const SELF_TEST: &[u8] = b"travelcert PKCS#11 key pair self-test";

/// How a [`Pkcs11Signer`] is opened besides its URI.
#[derive(Clone)]
#[non_exhaustive]
pub struct Pkcs11Options {
    /// The module when the URI has no `module-path`.
    pub module: Option<PathBuf>,
    /// The user PIN when the URI has neither `pin-value` nor `pin-source`.
    pub pin: Option<Zeroizing<String>>,
    /// The most sessions the pool opens (at least 1).
    pub sessions: usize,
    /// How many times a signature is retried after the device went away.
    pub retries: u32,
    /// The pause before the first retry; it doubles for each further one.
    pub retry_delay: Duration,
}

impl Default for Pkcs11Options {
    fn default() -> Self {
        Self {
            module: None,
            pin: None,
            sessions: 4,
            retries: 3,
            retry_delay: Duration::from_millis(100),
        }
    }
}

impl Pkcs11Options {
    /// The defaults, with the module from `TRAVELCERT_PKCS11_MODULE` and the
    /// PIN from `TRAVELCERT_PKCS11_PIN` when they are set and not empty.
    pub fn from_env() -> Self {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        Self {
            module: var(MODULE_ENV).map(PathBuf::from),
            pin: var(PIN_ENV).map(Zeroizing::new),
            ..Self::default()
        }
    }
}

impl std::fmt::Debug for Pkcs11Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Options")
            .field("module", &self.module)
            .field("pin", &self.pin.as_ref().map(|_| "***"))
            .field("sessions", &self.sessions)
            .field("retries", &self.retries)
            .field("retry_delay", &self.retry_delay)
            .finish()
    }
}

/// An Ed25519 signer whose key lives in a PKCS#11 token. Cloning shares the
/// session pool; it is `Send + Sync`.
#[derive(Clone)]
pub struct Pkcs11Signer {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Pkcs11Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11Signer")
            .field("uri", &self.inner.uri.to_string())
            .field("kid", &self.inner.public.kid())
            .finish()
    }
}

struct Inner {
    module: Pkcs11,
    /// The URI without any PIN, for matching and messages.
    uri: Pkcs11Uri,
    pin: AuthPin,
    public: PublicKey,
    max_sessions: usize,
    retries: u32,
    retry_delay: Duration,
    pool: Mutex<Pool>,
    returned: Condvar,
}

/// The slot and key handle of the current connection.
#[derive(Clone, Copy)]
struct Link {
    slot: Slot,
    key: ObjectHandle,
}

struct Pool {
    link: Option<Link>,
    idle: Vec<Session>,
    busy: usize,
    /// Bumped each time the connection is dropped; a session checked out
    /// under an older generation is closed, not returned.
    generation: u64,
}

/// A checked-out session.
struct Lease {
    session: Session,
    key: ObjectHandle,
    generation: u64,
}

fn eddsa() -> Mechanism<'static> {
    Mechanism::Eddsa(EddsaParams::new(EddsaSignatureScheme::Pure))
}

/// The module path and PIN for `uri` and `options`.
fn resolve(uri: &Pkcs11Uri, options: &Pkcs11Options) -> Result<(PathBuf, AuthPin), Pkcs11Error> {
    let module = uri
        .module_path
        .clone()
        .or_else(|| options.module.clone())
        .ok_or(Pkcs11Error::NoModule)?;
    let pin: Zeroizing<String> = if let Some(pin) = &uri.pin_value {
        pin.clone()
    } else if let Some(source) = &uri.pin_source {
        read_pin(source)?
    } else {
        options.pin.clone().ok_or(Pkcs11Error::NoPin)?
    };
    Ok((module, AuthPin::from(pin.as_str())))
}

fn read_pin(source: &str) -> Result<Zeroizing<String>, Pkcs11Error> {
    use std::io::Read;
    let path = uri::pin_source_path(source)?;
    let fail = |reason: String| Pkcs11Error::PinSource {
        path: path.display().to_string(),
        reason,
    };
    let file = std::fs::File::open(&path).map_err(|e| fail(e.to_string()))?;
    let mut pin = Zeroizing::new(String::new());
    file.take(MAX_PIN_FILE + 1)
        .read_to_string(&mut pin)
        .map_err(|e| fail(e.to_string()))?;
    if pin.len() as u64 > MAX_PIN_FILE {
        return Err(fail(format!("longer than {MAX_PIN_FILE} bytes")));
    }
    let trimmed = Zeroizing::new(pin.trim_end_matches(['\n', '\r']).to_owned());
    if trimmed.is_empty() {
        return Err(fail("the file is empty".to_owned()));
    }
    Ok(trimmed)
}

/// The URI without its PIN value.
fn public_uri(uri: &Pkcs11Uri) -> Pkcs11Uri {
    Pkcs11Uri {
        pin_value: None,
        ..uri.clone()
    }
}

impl Pkcs11Signer {
    /// Opens the key `uri` names: loads the module, finds the token, logs
    /// in, finds the key, reads and checks its public key and makes a test
    /// signature.
    pub fn open(uri: &Pkcs11Uri, options: &Pkcs11Options) -> Result<Self, Pkcs11Error> {
        if !uri.names_key() {
            return Err(Pkcs11Error::InvalidUri(
                "name the key with object= or id=".to_owned(),
            ));
        }
        let (module_path, pin) = resolve(uri, options)?;
        let module = token::module(&module_path)?;
        Self::open_with(&public_uri(uri), options, pin, module)
    }

    /// Generates an Ed25519 key pair inside the token under the URI's
    /// `object` label (and `id`, or 16 random bytes): the private key is
    /// sensitive and never extractable. Refuses a label or id already used.
    /// Then opens it as [`Pkcs11Signer::open`] does.
    pub fn generate(uri: &Pkcs11Uri, options: &Pkcs11Options) -> Result<Self, Pkcs11Error> {
        let label = uri.object.clone().ok_or_else(|| {
            Pkcs11Error::InvalidUri("keygen needs object= (the new key's label)".to_owned())
        })?;
        let (module_path, pin) = resolve(uri, options)?;
        let module = token::module(&module_path)?;
        let public = public_uri(uri);
        let slot = token::find_slot(&module, &public)?;
        token::require_mechanism(
            &module,
            slot,
            &Mechanism::EccEdwardsKeyPairGen,
            "CKM_EC_EDWARDS_KEY_PAIR_GEN",
        )?;
        let session = token::open_session(&module, slot, true)?;
        token::login(&session, &pin)?;
        token::refuse_existing(&session, &public)?;
        let id = match &uri.id {
            Some(id) => id.clone(),
            None => {
                let mut id = vec![0u8; 16];
                getrandom::fill(&mut id).map_err(|e| Pkcs11Error::Device(e.to_string()))?;
                id
            }
        };
        token::generate(&session, &label, &id)?;
        drop(session);
        let mut opened = public;
        opened.id = Some(id);
        Self::open_with(&opened, options, pin, module)
    }

    fn open_with(
        uri: &Pkcs11Uri,
        options: &Pkcs11Options,
        pin: AuthPin,
        module: Pkcs11,
    ) -> Result<Self, Pkcs11Error> {
        let slot = token::find_slot(&module, uri)?;
        token::require_mechanism(&module, slot, &eddsa(), "CKM_EDDSA")?;
        let session = token::open_session(&module, slot, false)?;
        token::login(&session, &pin)?;
        let (key, public) = token::find_key(&session, uri)?;
        let signature = token::sign(&session, key, SELF_TEST)?;
        if !public.verify_strict(SELF_TEST, &signature) {
            return Err(Pkcs11Error::KeyMismatch);
        }
        Ok(Self {
            inner: Arc::new(Inner {
                module,
                uri: uri.clone(),
                pin,
                public,
                max_sessions: options.sessions.max(1),
                retries: options.retries,
                retry_delay: options.retry_delay,
                pool: Mutex::new(Pool {
                    link: Some(Link { slot, key }),
                    idle: vec![session],
                    busy: 0,
                    generation: 0,
                }),
                returned: Condvar::new(),
            }),
        })
    }

    /// The URI of the key (without any PIN), with the `id` the key has.
    pub fn uri(&self) -> &Pkcs11Uri {
        &self.inner.uri
    }

    /// Signs `message`, recovering from a lost session or token as the
    /// module documentation describes.
    pub fn try_sign(&self, message: &[u8]) -> Result<[u8; 64], Pkcs11Error> {
        self.inner.sign(message)
    }
}

impl Signer for Pkcs11Signer {
    fn public_key(&self) -> PublicKey {
        self.inner.public.clone()
    }

    fn sign(&self, message: &[u8]) -> Result<[u8; 64], Box<dyn std::error::Error + Send + Sync>> {
        Ok(self.inner.sign(message)?)
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Pool> {
        self.pool.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn sign(&self, message: &[u8]) -> Result<[u8; 64], Pkcs11Error> {
        let mut last = String::new();
        let mut delay = self.retry_delay;
        for attempt in 0..=self.retries {
            if attempt > 0 {
                std::thread::sleep(delay);
                delay = delay.saturating_mul(2);
            }
            let lease = match self.checkout() {
                Ok(lease) => lease,
                Err(Failure::Gone(why)) => {
                    last = why;
                    continue;
                }
                Err(Failure::Fatal(e)) => return Err(e),
            };
            match token::sign_raw(&lease.session, lease.key, message) {
                Ok(signature) => {
                    self.checkin(lease);
                    return signature;
                }
                Err(e) if token::is_gone(&e) => {
                    last = token::describe(&e);
                    self.discard(lease);
                }
                Err(e) => {
                    self.checkin(lease);
                    return Err(Pkcs11Error::Device(token::describe(&e)));
                }
            }
        }
        Err(Pkcs11Error::DeviceRemoved {
            attempts: self.retries.saturating_add(1),
            last,
        })
    }

    /// A session and the key handle: an idle one, a new one while the pool
    /// is below its size, else the next one returned. Reconnects first when
    /// the connection was dropped.
    fn checkout(&self) -> Result<Lease, Failure> {
        let mut pool = self.lock();
        loop {
            let link = match pool.link {
                Some(link) => link,
                None => {
                    let link = self.reconnect(&mut pool)?;
                    pool.link = Some(link);
                    link
                }
            };
            if let Some(session) = pool.idle.pop() {
                pool.busy += 1;
                return Ok(Lease {
                    session,
                    key: link.key,
                    generation: pool.generation,
                });
            }
            if pool.busy < self.max_sessions {
                let session = token::open_session(&self.module, link.slot, false)
                    .and_then(|s| token::login(&s, &self.pin).map(|()| s));
                match session {
                    Ok(session) => {
                        pool.busy += 1;
                        return Ok(Lease {
                            session,
                            key: link.key,
                            generation: pool.generation,
                        });
                    }
                    Err(e) => {
                        let failure = Failure::from_open(e);
                        if matches!(failure, Failure::Gone(_)) {
                            Self::drop_link(&mut pool);
                        }
                        return Err(failure);
                    }
                }
            }
            pool = self.returned.wait(pool).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Opens a session on the token again, logs in and finds the key; the
    /// key must be the one read at open.
    fn reconnect(&self, pool: &mut Pool) -> Result<Link, Failure> {
        let slot = token::find_slot(&self.module, &self.uri).map_err(Failure::from_open)?;
        let session = token::open_session(&self.module, slot, false).map_err(Failure::from_open)?;
        token::login(&session, &self.pin).map_err(Failure::from_open)?;
        let (key, public) = token::find_key(&session, &self.uri).map_err(Failure::from_open)?;
        if public != self.public {
            return Err(Failure::Fatal(Pkcs11Error::KeyChanged {
                was: self.public.kid().to_string(),
                now: public.kid().to_string(),
            }));
        }
        pool.idle.push(session);
        Ok(Link { slot, key })
    }

    fn drop_link(pool: &mut Pool) {
        pool.link = None;
        pool.idle.clear();
        pool.generation = pool.generation.wrapping_add(1);
    }

    fn checkin(&self, lease: Lease) {
        let mut pool = self.lock();
        pool.busy = pool.busy.saturating_sub(1);
        if lease.generation == pool.generation {
            pool.idle.push(lease.session);
        }
        drop(pool);
        self.returned.notify_one();
    }

    /// Closes a session that failed because the device went away and drops
    /// the connection (once per generation).
    fn discard(&self, lease: Lease) {
        let mut pool = self.lock();
        pool.busy = pool.busy.saturating_sub(1);
        if lease.generation == pool.generation {
            Self::drop_link(&mut pool);
        }
        drop(pool);
        drop(lease.session);
        self.returned.notify_all();
    }
}

/// A checkout failure: worth retrying (the device is away) or final.
enum Failure {
    Gone(String),
    Fatal(Pkcs11Error),
}

impl Failure {
    /// While recovering, a missing token or key means the device has not
    /// come back yet; a wrong PIN or a changed key is final.
    fn from_open(e: Pkcs11Error) -> Self {
        match e {
            Pkcs11Error::TokenNotFound(_) | Pkcs11Error::KeyNotFound(_) => {
                Self::Gone(e.to_string())
            }
            Pkcs11Error::DeviceRemoved { last, .. } => Self::Gone(last),
            e => Self::Fatal(e),
        }
    }
}
