//! Country signing CAs (CSCA): the X.509 certificates a country's document
//! signer certificates chain to (FORMAT.md §14.4). A configured CSCA is
//! trust configuration, like a root key: a DSC that chains to one is trusted
//! whether or not roots are configured.

use der::{Decode, Encode};

use crate::keys::Kid;
use crate::model::CountryCode;
use crate::VerifyError;

use super::dsc::{pem_certificates, x509_time};
use super::{Dsc, TrustError};

/// A country signing CA certificate, read from PEM or DER.
#[derive(Debug, Clone)]
pub struct Csca {
    /// The certificate's key, validity and country, read as for a DSC.
    cert: Dsc,
    /// The subject name, DER.
    subject: Vec<u8>,
    /// basicConstraints cA.
    ca: bool,
    /// The countries it may vouch for, when configured with a scope.
    scope: Option<Vec<CountryCode>>,
}

impl Csca {
    /// Reads every certificate in `bytes`: PEM (one or more `CERTIFICATE`
    /// blocks) or DER. The key must be P-256, P-384 or RSA.
    pub fn load(bytes: &[u8]) -> Result<Vec<Self>, TrustError> {
        let trimmed = bytes.trim_ascii_start();
        let ders = if trimmed.starts_with(b"-----BEGIN") {
            pem_certificates(trimmed).map_err(as_csca)?
        } else {
            vec![bytes.to_vec()]
        };
        ders.iter()
            .enumerate()
            .map(|(index, der)| Self::parse(index, der))
            .collect()
    }

    fn parse(index: usize, der: &[u8]) -> Result<Self, TrustError> {
        let cert = Dsc::parse(index, der, true).map_err(as_csca)?;
        let x509 = x509_cert::Certificate::from_der(der).map_err(|e| csca_err(index, e))?;
        let tbs = x509.tbs_certificate();
        let subject = tbs.subject().to_der().map_err(|e| csca_err(index, e))?;
        let ca = match tbs.get_extension::<x509_cert::ext::pkix::BasicConstraints>() {
            Ok(found) => found.is_some_and(|(_, bc)| bc.ca),
            Err(e) => return Err(csca_err(index, format!("basic constraints: {e}"))),
        };
        Ok(Self {
            cert,
            subject,
            ca,
            scope: None,
        })
    }

    /// Limits the countries it vouches for (CLI `--csca DE=FILE`): a DSC of
    /// another country does not chain (`HcertCscaCountry`).
    pub fn scoped(mut self, countries: impl IntoIterator<Item = CountryCode>) -> Self {
        self.scope = Some(countries.into_iter().collect());
        self
    }

    /// SHA-256 of the DER, first 8 bytes.
    pub fn fingerprint(&self) -> Kid {
        self.cert.fingerprint()
    }

    /// The subject's country (`C`).
    pub fn country(&self) -> Option<CountryCode> {
        self.cert.country()
    }

    /// The configured scope, if any.
    pub fn scope(&self) -> Option<&[CountryCode]> {
        self.scope.as_deref()
    }

    /// Whether a DSC of `country` is within its country and scope.
    fn allows(&self, country: Option<CountryCode>) -> bool {
        let own = self.cert.country();
        match country {
            Some(c) => {
                own.is_none_or(|own| own == c) && self.scope.as_ref().is_none_or(|s| s.contains(&c))
            }
            // A DSC that names no country is for no CSCA that has one.
            None => own.is_none() && self.scope.is_none(),
        }
    }
}

fn csca_err(index: usize, reason: impl std::fmt::Display) -> TrustError {
    TrustError::Csca {
        index,
        reason: reason.to_string(),
    }
}

fn as_csca(e: TrustError) -> TrustError {
    match e {
        TrustError::Dsc { index, reason } => TrustError::Csca { index, reason },
        TrustError::DscKeyUnsupported { index, algorithm } => TrustError::Csca {
            index,
            reason: format!("key algorithm {algorithm} is not supported (P-256, P-384 or RSA)"),
        },
        other => other,
    }
}

/// The chain check of one DSC against the configured CSCAs, in order:
/// issuer name, signature, cA, validity at the DSC's notBefore, country.
pub(super) fn chain(dsc: &Dsc, cscas: &[Csca]) -> Result<Kid, VerifyError> {
    let kid = hex::encode(dsc.kid());
    let x509 = x509_cert::Certificate::from_der(dsc.der()).map_err(|e| {
        VerifyError::HcertDscNotChained {
            kid: kid.clone(),
            issuer: format!("(unreadable: {e})"),
        }
    })?;
    let tbs = x509.tbs_certificate();
    let issuer = tbs.issuer();
    let issuer_der = issuer.to_der().unwrap_or_default();
    let tbs_der = tbs.to_der().unwrap_or_default();
    let signature = x509.signature().raw_bytes();
    let algorithm = &x509.signature_algorithm().oid;
    // The moment the CSCA signed the DSC: the start of the DSC's validity.
    let signed_at = x509_time(tbs.validity().not_before);
    let subject_country = tbs
        .subject()
        .country()
        .ok()
        .flatten()
        .and_then(|c| CountryCode::new(c.as_str()).ok());
    let mut first = None;
    for csca in cscas.iter().filter(|c| c.subject == issuer_der) {
        let fp = || csca.fingerprint().to_string();
        let check = || {
            if !csca.cert.verify_x509(algorithm, &tbs_der, signature) {
                return Err(VerifyError::HcertCscaSignatureInvalid {
                    kid: kid.clone(),
                    csca: fp(),
                });
            }
            if !csca.ca {
                return Err(VerifyError::HcertCscaNotCa {
                    kid: kid.clone(),
                    csca: fp(),
                });
            }
            if let Some(at) = signed_at.filter(|at| !csca.cert.valid_at(*at)) {
                return Err(VerifyError::HcertCscaNotValid {
                    kid: kid.clone(),
                    csca: fp(),
                    signed_at: at,
                });
            }
            if let Some(c) = [dsc.country(), subject_country]
                .into_iter()
                .find(|c| !csca.allows(*c))
            {
                return Err(VerifyError::HcertCscaCountry {
                    kid: kid.clone(),
                    csca: fp(),
                    country: c.map(|c| c.to_string()).unwrap_or_default(),
                });
            }
            Ok(())
        };
        let failure = check().err();
        match failure {
            None => return Ok(csca.fingerprint()),
            Some(f) => first = first.or(Some(f)),
        }
    }
    Err(first.unwrap_or_else(|| VerifyError::HcertDscNotChained {
        kid,
        issuer: issuer.to_string(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_csca_inputs_get_the_csca_error() {
        assert!(matches!(
            Csca::load(b"\x30\x03\x02\x01\x01"),
            Err(TrustError::Csca { index: 0, .. })
        ));
        assert!(matches!(
            Csca::load(b"-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n"),
            Err(TrustError::Csca { .. })
        ));
    }
}
