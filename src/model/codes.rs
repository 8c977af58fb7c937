//! Coded values: every enumerated field travels as a small unsigned integer.
//!
//! Each code list keeps codes it does not know as `Unknown(n)`, so a verifier
//! deployed today still decodes certificates that later versions issue. In JSON a
//! known code is its name (`"rt-pcr"`) and an unknown one its integer (`17`).
//! FORMAT.md lists every code.

/// What every code list offers generic code (the border rules): its wire code
/// and whether this version knows it.
#[cfg_attr(not(feature = "verify"), allow(dead_code))]
pub(crate) trait Coded: Copy + PartialEq {
    /// The wire code.
    fn wire_code(self) -> u32;
    /// Whether the code is one this version does not know.
    fn is_unknown(self) -> bool;
}

/// Defines a code list: an enum with a stable integer code, a JSON name and an
/// English label for each value, plus `Unknown(u32)`.
macro_rules! code_list {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $json:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A code this version does not know, kept as it was received.
            Unknown(u32),
        }

        impl $name {
            /// Every value this version knows, in code order.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant),+];

            /// The wire code.
            pub fn code(self) -> u32 {
                match self {
                    $( Self::$variant => $code, )+
                    Self::Unknown(n) => n,
                }
            }

            /// The value for a wire code; unknown codes are kept as `Unknown`.
            pub fn from_code(code: u32) -> Self {
                match code {
                    $( $code => Self::$variant, )+
                    n => Self::Unknown(n),
                }
            }

            /// The JSON name, or `None` for an unknown code.
            pub fn name(self) -> Option<&'static str> {
                match self {
                    $( Self::$variant => Some($json), )+
                    Self::Unknown(_) => None,
                }
            }

            /// The value with this JSON name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $( $json => Some(Self::$variant), )+
                    _ => None,
                }
            }

            /// An English label for people (e.g. on a printed card).
            pub fn label(self) -> String {
                match self {
                    $( Self::$variant => $label.to_owned(), )+
                    Self::Unknown(n) => format!("unknown code {n}"),
                }
            }
        }

        impl $crate::model::codes::Coded for $name {
            fn wire_code(self) -> u32 {
                self.code()
            }
            fn is_unknown(self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self.name() {
                    Some(name) => s.serialize_str(name),
                    None => s.serialize_u32(self.code()),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[derive(::serde::Deserialize)]
                #[serde(untagged)]
                enum Repr {
                    Name(String),
                    Code(u32),
                }
                match Repr::deserialize(d)? {
                    Repr::Code(n) => Ok(Self::from_code(n)),
                    Repr::Name(name) => Self::from_name(&name).ok_or_else(|| {
                        let known: Vec<&str> = Self::KNOWN.iter().filter_map(|v| v.name()).collect();
                        ::serde::de::Error::custom(format!(
                            "unknown {} `{}` (expected one of {} or an integer code)",
                            stringify!($name), name, known.join(", ")
                        ))
                    }),
                }
            }
        }
    };
}

code_list! {
    /// Sex as printed in a travel document (ICAO 9303).
    pub enum Sex {
        /// Female.
        Female = 1, "F", "female";
        /// Male.
        Male = 2, "M", "male";
        /// Unspecified.
        Unspecified = 3, "X", "unspecified";
    }
}

code_list! {
    /// The kind of travel document the holder presents.
    pub enum DocumentType {
        /// Ordinary passport.
        OrdinaryPassport = 1, "ordinary-passport", "ordinary passport";
        /// Diplomatic passport.
        DiplomaticPassport = 2, "diplomatic-passport", "diplomatic passport";
        /// Service passport.
        ServicePassport = 3, "service-passport", "service passport";
        /// Public-affairs passport.
        PublicAffairsPassport = 4, "public-affairs-passport", "public-affairs passport";
        /// Travel document (e.g. for refugees or stateless persons).
        TravelDocument = 5, "travel-document", "travel document";
        /// Mainland travel permit for Hong Kong and Macao residents.
        MainlandPermitHkMacao = 6, "mainland-travel-permit-hk-macao", "mainland travel permit for Hong Kong and Macao residents";
        /// Mainland travel permit for Taiwan residents.
        MainlandPermitTaiwan = 7, "mainland-travel-permit-taiwan", "mainland travel permit for Taiwan residents";
        /// Any other document.
        Other = 8, "other", "other travel document";
    }
}

code_list! {
    /// The disease or agent a test or vaccine targets.
    pub enum Disease {
        /// SARS-CoV-2 (COVID-19).
        SarsCov2 = 1, "sars-cov-2", "SARS-CoV-2";
        /// Influenza A virus.
        InfluenzaA = 2, "influenza-a", "influenza A";
        /// Influenza B virus.
        InfluenzaB = 3, "influenza-b", "influenza B";
        /// MERS coronavirus.
        MersCov = 4, "mers-cov", "MERS-CoV";
        /// Mpox virus.
        Mpox = 5, "mpox", "mpox";
    }
}

code_list! {
    /// The nucleic-acid amplification method of a NAT.
    pub enum NatMethod {
        /// Reverse-transcription polymerase chain reaction.
        RtPcr = 1, "rt-pcr", "RT-PCR";
        /// Reverse-transcription loop-mediated isothermal amplification.
        RtLamp = 2, "rt-lamp", "RT-LAMP";
        /// Another nucleic-acid amplification test.
        OtherNaat = 3, "other-naat", "other NAAT";
    }
}

code_list! {
    /// The result of a NAT.
    pub enum NatResult {
        /// Not detected.
        Negative = 1, "negative", "negative";
        /// Detected.
        Positive = 2, "positive", "positive";
        /// Neither clearly detected nor clearly not detected.
        Inconclusive = 3, "inconclusive", "inconclusive";
    }
}

code_list! {
    /// The antibody class a serum test measures.
    pub enum AntibodyClass {
        /// Immunoglobulin G.
        IgG = 1, "igg", "IgG";
        /// Immunoglobulin M.
        IgM = 2, "igm", "IgM";
        /// Total antibodies.
        Total = 3, "total", "total antibodies";
    }
}

code_list! {
    /// The result of an antibody test.
    pub enum AntibodyResult {
        /// Below the reporting threshold.
        Negative = 1, "negative", "negative";
        /// At or above the reporting threshold.
        Positive = 2, "positive", "positive";
    }
}

code_list! {
    /// Vaccine products: the WHO Emergency Use Listing, by code.
    pub enum VaccineProduct {
        /// Comirnaty (BNT162b2), BioNTech / Pfizer.
        Bnt162b2 = 1, "BNT162b2", "Comirnaty (BNT162b2)";
        /// Spikevax (mRNA-1273), Moderna.
        Mrna1273 = 2, "mRNA-1273", "Spikevax (mRNA-1273)";
        /// Vaxzevria (AZD1222), AstraZeneca.
        Azd1222 = 3, "AZD1222", "Vaxzevria (AZD1222)";
        /// Covishield (ChAdOx1_nCoV-19), Serum Institute of India.
        Covishield = 4, "Covishield", "Covishield (ChAdOx1_nCoV-19)";
        /// Jcovden (Ad26.COV2.S), Janssen.
        Ad26Cov2S = 5, "Ad26.COV2.S", "Jcovden (Ad26.COV2.S)";
        /// Covilo (BBIBP-CorV), Sinopharm / Beijing Institute of Biological Products.
        BbibpCorV = 6, "BBIBP-CorV", "Covilo (BBIBP-CorV)";
        /// CoronaVac, Sinovac.
        CoronaVac = 7, "CoronaVac", "CoronaVac";
        /// Covaxin (BBV152), Bharat Biotech.
        Covaxin = 8, "Covaxin", "Covaxin (BBV152)";
        /// Covovax (NVX-CoV2373), Serum Institute of India.
        Covovax = 9, "Covovax", "Covovax (NVX-CoV2373)";
        /// Nuvaxovid (NVX-CoV2373), Novavax.
        Nuvaxovid = 10, "NVX-CoV2373", "Nuvaxovid (NVX-CoV2373)";
        /// Convidecia (Ad5-nCoV), CanSino Biologics.
        Convidecia = 11, "Ad5-nCoV", "Convidecia (Ad5-nCoV)";
    }
}

code_list! {
    /// Vaccine marketing-authorisation holders and manufacturers.
    pub enum Manufacturer {
        /// BioNTech / Pfizer.
        BiontechPfizer = 1, "biontech-pfizer", "BioNTech / Pfizer";
        /// Moderna.
        Moderna = 2, "moderna", "Moderna";
        /// AstraZeneca.
        AstraZeneca = 3, "astrazeneca", "AstraZeneca";
        /// Serum Institute of India.
        SerumInstituteOfIndia = 4, "serum-institute-of-india", "Serum Institute of India";
        /// Janssen.
        Janssen = 5, "janssen", "Janssen";
        /// Sinopharm / Beijing Institute of Biological Products.
        SinopharmBibp = 6, "sinopharm-bibp", "Sinopharm / Beijing Institute of Biological Products";
        /// Sinovac.
        Sinovac = 7, "sinovac", "Sinovac";
        /// Bharat Biotech.
        BharatBiotech = 8, "bharat-biotech", "Bharat Biotech";
        /// Novavax.
        Novavax = 9, "novavax", "Novavax";
        /// CanSino Biologics.
        CanSino = 10, "cansino", "CanSino Biologics";
    }
}

code_list! {
    /// The kinds of health record a certificate carries; a trust store limits
    /// which kinds each issuer key may sign.
    pub enum RecordKind {
        /// Nucleic-acid tests.
        Nat = 1, "nat", "nucleic-acid test";
        /// Serum antibody tests.
        Antibody = 2, "antibody", "antibody test";
        /// Vaccinations.
        Vaccination = 3, "vaccination", "vaccination";
        /// Infection-history entries (earlier positive results, a diagnosis,
        /// close contact).
        History = 4, "history", "infection history";
        /// Negative NAT reports given as evidence of recovery.
        Recovery = 5, "recovery", "recovery NAT";
    }
}

code_list! {
    /// What an infection-history entry records.
    pub enum HistoryKind {
        /// An earlier positive nucleic-acid test; the date is the sampling date.
        PositiveNat = 1, "positive-nat", "previous positive NAT";
        /// An earlier positive IgM antibody test; the date is the sampling date.
        PositiveIgm = 2, "positive-igm", "previous positive IgM";
        /// A confirmed diagnosis; the date is the date of diagnosis, with the
        /// date of recovery and discharge when known.
        Diagnosis = 3, "diagnosis", "confirmed diagnosis";
        /// Close contact with a confirmed case; the date is the last contact.
        CloseContact = 4, "close-contact", "close contact with a case";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_round_trip_and_unknowns_are_kept() {
        for v in VaccineProduct::KNOWN {
            assert_eq!(VaccineProduct::from_code(v.code()), *v);
            assert_eq!(VaccineProduct::from_name(v.name().unwrap()), Some(*v));
        }
        assert_eq!(NatMethod::from_code(99), NatMethod::Unknown(99));
        assert_eq!(
            serde_json::to_string(&NatMethod::Unknown(99)).unwrap(),
            "99"
        );
        assert_eq!(
            serde_json::to_string(&NatMethod::RtPcr).unwrap(),
            "\"rt-pcr\""
        );
        let m: NatMethod = serde_json::from_str("2").unwrap();
        assert_eq!(m, NatMethod::RtLamp);
        let err = serde_json::from_str::<NatMethod>("\"pcr\"").unwrap_err();
        assert!(
            err.to_string().contains("rt-pcr, rt-lamp, other-naat"),
            "{err}"
        );
    }
}
