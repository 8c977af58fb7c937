//! The calls into the PKCS#11 module (through `cryptoki`), each turning the
//! module's return values into a [`Pkcs11Error`].

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;

use super::{eddsa, Pkcs11Error, Pkcs11Uri};
use crate::keys::PublicKey;

/// DER of the Ed25519 curve: the OID 1.3.101.112 (RFC 8410) and the
/// PrintableString "edwards25519" (PKCS#11 3.0 allows both).
const ED25519_OID: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x70];
const ED25519_NAME: &[u8] = b"\x13\x0cedwards25519";
/// The older GnuPG OID 1.3.6.1.4.1.11591.15.1 for Ed25519.
const ED25519_GNU_OID: &[u8] = &[
    0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01,
];
const ED448_OID: &[u8] = &[0x06, 0x03, 0x2b, 0x65, 0x71];
const ED448_NAME: &[u8] = b"\x13\x0aedwards448";

/// Modules loaded in this process, by path: each is initialised once and
/// never finalised (PKCS#11 allows one `C_Initialize` per process).
fn modules() -> &'static Mutex<Vec<(PathBuf, Pkcs11)>> {
    static MODULES: OnceLock<Mutex<Vec<(PathBuf, Pkcs11)>>> = OnceLock::new();
    MODULES.get_or_init(|| Mutex::new(Vec::new()))
}

/// The module at `path`, loaded and initialised on first use.
pub(super) fn module(path: &Path) -> Result<Pkcs11, Pkcs11Error> {
    let fail = |reason: String| Pkcs11Error::ModuleNotFound {
        path: path.display().to_string(),
        reason,
    };
    let key = path.canonicalize().map_err(|e| fail(e.to_string()))?;
    let mut loaded = modules().lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, module)) = loaded.iter().find(|(p, _)| *p == key) {
        return Ok(module.clone());
    }
    let module = Pkcs11::new(&key).map_err(|e| fail(e.to_string()))?;
    match module.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => return Err(fail(format!("C_Initialize failed: {}", describe(&e)))),
    }
    loaded.push((key, module.clone()));
    Ok(module)
}

/// A short description: the function and the return value's name.
pub(super) fn describe(e: &Error) -> String {
    match e {
        Error::Pkcs11(rv, function) => format!("{function:?}: {rv:?}"),
        other => other.to_string(),
    }
}

/// True for the return values that mean the token, the slot or the session
/// went away (removed, reset, closed), after which a new session may work.
pub(super) fn is_gone(e: &Error) -> bool {
    matches!(
        e,
        Error::Pkcs11(
            RvError::DeviceRemoved
                | RvError::DeviceError
                | RvError::TokenNotPresent
                | RvError::TokenNotRecognized
                | RvError::SlotIdInvalid
                | RvError::SessionClosed
                | RvError::SessionHandleInvalid
                | RvError::UserNotLoggedIn
                | RvError::KeyHandleInvalid
                | RvError::ObjectHandleInvalid
                | RvError::CryptokiNotInitialized
                | RvError::GeneralError,
            _
        )
    )
}

fn device(e: Error) -> Pkcs11Error {
    if is_gone(&e) {
        Pkcs11Error::DeviceRemoved {
            attempts: 1,
            last: describe(&e),
        }
    } else {
        Pkcs11Error::Device(describe(&e))
    }
}

/// The token description of a URI, for messages.
fn token_text(uri: &Pkcs11Uri) -> String {
    let mut shown = Pkcs11Uri {
        object: None,
        id: None,
        object_type: None,
        ..uri.clone()
    };
    shown.pin_source = None;
    shown.to_string()
}

/// The one slot whose token matches the URI's token attributes.
pub(super) fn find_slot(module: &Pkcs11, uri: &Pkcs11Uri) -> Result<Slot, Pkcs11Error> {
    let slots = module.get_slots_with_token().map_err(device)?;
    let mut found = Vec::new();
    for slot in slots {
        if uri.slot_id.is_some_and(|id| id != slot.id()) {
            continue;
        }
        // A token that went away or broke since the slot list was read is
        // not a match (another slot may hold the token wanted).
        let Ok(info) = module.get_token_info(slot) else {
            continue;
        };
        let same = |want: &Option<String>, have: &str| {
            want.as_deref().is_none_or(|w| w == have.trim_end())
        };
        if same(&uri.token, info.label())
            && same(&uri.manufacturer, info.manufacturer_id())
            && same(&uri.serial, info.serial_number())
            && same(&uri.model, info.model())
        {
            found.push(slot);
        }
    }
    match found.as_slice() {
        [slot] => Ok(*slot),
        [] => Err(Pkcs11Error::TokenNotFound(token_text(uri))),
        more => Err(Pkcs11Error::TokenAmbiguous {
            uri: token_text(uri),
            count: more.len(),
        }),
    }
}

/// Refuses a token that lacks `mechanism`.
pub(super) fn require_mechanism(
    module: &Pkcs11,
    slot: Slot,
    mechanism: &Mechanism<'_>,
    name: &str,
) -> Result<(), Pkcs11Error> {
    let list = module.get_mechanism_list(slot).map_err(device)?;
    if list.contains(&mechanism.mechanism_type()) {
        Ok(())
    } else {
        Err(Pkcs11Error::MechanismUnsupported(name.to_owned()))
    }
}

pub(super) fn open_session(
    module: &Pkcs11,
    slot: Slot,
    read_write: bool,
) -> Result<Session, Pkcs11Error> {
    let session = if read_write {
        module.open_rw_session(slot)
    } else {
        module.open_ro_session(slot)
    };
    session.map_err(device)
}

/// Logs the user in (a session of this process already logged in is fine).
pub(super) fn login(session: &Session, pin: &AuthPin) -> Result<(), Pkcs11Error> {
    match session.login(UserType::User, Some(pin)) {
        Ok(()) | Err(Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
        Err(Error::Pkcs11(
            RvError::PinIncorrect | RvError::PinInvalid | RvError::PinLenRange,
            _,
        )) => Err(Pkcs11Error::WrongPin),
        Err(Error::Pkcs11(RvError::PinLocked, _)) => Err(Pkcs11Error::PinLocked),
        Err(e) => Err(device(e)),
    }
}

/// The selector template of the URI's `object` and `id`.
fn selector(uri: &Pkcs11Uri, class: ObjectClass) -> Vec<Attribute> {
    let mut template = vec![Attribute::Class(class)];
    if let Some(label) = &uri.object {
        template.push(Attribute::Label(label.as_bytes().to_vec()));
    }
    if let Some(id) = &uri.id {
        template.push(Attribute::Id(id.clone()));
    }
    template
}

fn key_text(uri: &Pkcs11Uri) -> String {
    let shown = Pkcs11Uri {
        object: uri.object.clone(),
        id: uri.id.clone(),
        ..Pkcs11Uri::default()
    };
    shown.to_string()
}

/// Refuses a URI whose label or id a key already has (keygen).
pub(super) fn refuse_existing(session: &Session, uri: &Pkcs11Uri) -> Result<(), Pkcs11Error> {
    for class in [ObjectClass::PRIVATE_KEY, ObjectClass::PUBLIC_KEY] {
        let mut checks = Vec::new();
        if let Some(label) = &uri.object {
            checks.push(vec![
                Attribute::Class(class),
                Attribute::Label(label.as_bytes().to_vec()),
            ]);
        }
        if let Some(id) = &uri.id {
            checks.push(vec![Attribute::Class(class), Attribute::Id(id.clone())]);
        }
        for template in checks {
            if !session.find_objects(&template).map_err(device)?.is_empty() {
                return Err(Pkcs11Error::KeyExists(key_text(uri)));
            }
        }
    }
    Ok(())
}

/// Generates the Ed25519 pair: a token object, private, sensitive and never
/// extractable. Tries the curve as OID first, then by name.
pub(super) fn generate(session: &Session, label: &str, id: &[u8]) -> Result<(), Pkcs11Error> {
    let private = [
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Sensitive(true),
        Attribute::Extractable(false),
        Attribute::Sign(true),
        Attribute::Label(label.as_bytes().to_vec()),
        Attribute::Id(id.to_vec()),
    ];
    let mut last = None;
    for params in [ED25519_OID, ED25519_NAME] {
        let public = [
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Verify(true),
            Attribute::EcParams(params.to_vec()),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Id(id.to_vec()),
        ];
        match session.generate_key_pair(&Mechanism::EccEdwardsKeyPairGen, &public, &private) {
            Ok(_) => return Ok(()),
            Err(
                e @ Error::Pkcs11(RvError::AttributeValueInvalid | RvError::CurveNotSupported, _),
            ) => {
                last = Some(e);
            }
            Err(e) => return Err(device(e)),
        }
    }
    Err(last.map_or_else(
        || Pkcs11Error::MechanismUnsupported("Ed25519 key generation".to_owned()),
        |e| Pkcs11Error::MechanismUnsupported(format!("Ed25519 key generation ({})", describe(&e))),
    ))
}

/// The one private key the URI names, checked to be Ed25519, and its public key.
pub(super) fn find_key(
    session: &Session,
    uri: &Pkcs11Uri,
) -> Result<(ObjectHandle, PublicKey), Pkcs11Error> {
    let keys = session
        .find_objects(&selector(uri, ObjectClass::PRIVATE_KEY))
        .map_err(device)?;
    let key = match keys.as_slice() {
        [key] => *key,
        [] => return Err(Pkcs11Error::KeyNotFound(key_text(uri))),
        more => {
            return Err(Pkcs11Error::KeyAmbiguous {
                uri: key_text(uri),
                count: more.len(),
            })
        }
    };
    let attrs = session
        .get_attributes(
            key,
            &[
                AttributeType::KeyType,
                AttributeType::Id,
                AttributeType::Label,
            ],
        )
        .map_err(device)?;
    let mut key_type = None;
    let mut pair = vec![Attribute::Class(ObjectClass::PUBLIC_KEY)];
    for attr in attrs {
        match attr {
            Attribute::KeyType(t) => key_type = Some(t),
            Attribute::Id(id) if !id.is_empty() => pair.push(Attribute::Id(id)),
            Attribute::Label(label) if !label.is_empty() => pair.push(Attribute::Label(label)),
            _ => {}
        }
    }
    match key_type {
        Some(KeyType::EC_EDWARDS) => {}
        Some(other) => {
            return Err(Pkcs11Error::WrongKeyType(format!(
                "key type {other}, not CKK_EC_EDWARDS"
            )))
        }
        None => return Err(Pkcs11Error::WrongKeyType("no CKA_KEY_TYPE".to_owned())),
    }
    let publics = session.find_objects(&pair).map_err(device)?;
    let public = match publics.as_slice() {
        [public] => *public,
        [] => {
            return Err(Pkcs11Error::InvalidPublicKey(
                "no public key object with the private key's id and label".to_owned(),
            ))
        }
        more => {
            return Err(Pkcs11Error::InvalidPublicKey(format!(
                "{} public key objects share the private key's id and label",
                more.len()
            )))
        }
    };
    let attrs = session
        .get_attributes(
            public,
            &[
                AttributeType::KeyType,
                AttributeType::EcParams,
                AttributeType::EcPoint,
            ],
        )
        .map_err(device)?;
    let mut point = None;
    for attr in attrs {
        match attr {
            Attribute::KeyType(t) if t != KeyType::EC_EDWARDS => {
                return Err(Pkcs11Error::WrongKeyType(format!(
                    "public key type {t}, not CKK_EC_EDWARDS"
                )))
            }
            Attribute::EcParams(params) => check_curve(&params)?,
            Attribute::EcPoint(p) => point = Some(p),
            _ => {}
        }
    }
    let point = point.ok_or_else(|| {
        Pkcs11Error::InvalidPublicKey("the public key object has no CKA_EC_POINT".to_owned())
    })?;
    Ok((key, PublicKey::from_bytes(ec_point(&point)?)?))
}

/// Refuses curve parameters other than Ed25519's.
pub(super) fn check_curve(params: &[u8]) -> Result<(), Pkcs11Error> {
    if params == ED25519_OID || params == ED25519_NAME || params == ED25519_GNU_OID {
        Ok(())
    } else if params == ED448_OID || params == ED448_NAME {
        Err(Pkcs11Error::WrongKeyType("Ed448, not Ed25519".to_owned()))
    } else {
        Err(Pkcs11Error::WrongKeyType(format!(
            "curve parameters {}, not edwards25519",
            hex::encode(params)
        )))
    }
}

/// The 32 key bytes of a `CKA_EC_POINT`: raw, or wrapped in a DER OCTET STRING.
pub(super) fn ec_point(point: &[u8]) -> Result<&[u8], Pkcs11Error> {
    match point {
        [0x04, 0x20, rest @ ..] if rest.len() == 32 => Ok(rest),
        raw if raw.len() == 32 => Ok(raw),
        other => Err(Pkcs11Error::InvalidPublicKey(format!(
            "CKA_EC_POINT of {} bytes is neither 32 key bytes nor a DER OCTET STRING of them",
            other.len()
        ))),
    }
}

/// One `C_Sign` with `CKM_EDDSA`, the token's own error kept.
pub(super) fn sign_raw(
    session: &Session,
    key: ObjectHandle,
    message: &[u8],
) -> Result<Result<[u8; 64], Pkcs11Error>, Error> {
    let signature = session.sign(&eddsa(), key, message)?;
    Ok(<[u8; 64]>::try_from(signature.as_slice())
        .map_err(|_| Pkcs11Error::SignatureLength(signature.len())))
}

/// One `C_Sign` with `CKM_EDDSA`.
pub(super) fn sign(
    session: &Session,
    key: ObjectHandle,
    message: &[u8],
) -> Result<[u8; 64], Pkcs11Error> {
    sign_raw(session, key, message).map_err(device)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec_point_is_raw_or_octet_string() {
        let key = [7u8; 32];
        let mut wrapped = vec![0x04, 0x20];
        wrapped.extend_from_slice(&key);
        assert_eq!(ec_point(&wrapped).unwrap(), &key);
        assert_eq!(ec_point(&key).unwrap(), &key);
        assert!(matches!(
            ec_point(&wrapped[..33]),
            Err(Pkcs11Error::InvalidPublicKey(_))
        ));
        // An uncompressed P-256 point (65 bytes, in an OCTET STRING) is refused.
        let mut p256 = vec![0x04, 0x41, 0x04];
        p256.extend_from_slice(&[1u8; 64]);
        assert!(ec_point(&p256).is_err());
    }

    #[test]
    fn only_ed25519_curves_pass() {
        assert!(check_curve(ED25519_OID).is_ok());
        assert!(check_curve(ED25519_NAME).is_ok());
        assert!(matches!(
            check_curve(ED448_OID),
            Err(Pkcs11Error::WrongKeyType(_))
        ));
        // prime256v1
        assert!(
            check_curve(&[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]).is_err()
        );
    }
}
