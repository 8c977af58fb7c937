//! The printed card's labels in the six UN languages.
//!
//! Only labels are translated. What the certificate holds (names, facility
//! names, codes such as `rt-pcr` or a vaccine product) is printed as it is,
//! because that is what a border officer compares against other documents.

use std::fmt;
use std::str::FromStr;

/// A language for the card's labels (the six official UN languages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CardLanguage {
    /// English (`en`).
    En,
    /// Chinese, simplified (`zh`).
    Zh,
    /// French (`fr`).
    Fr,
    /// Spanish (`es`).
    Es,
    /// Russian (`ru`).
    Ru,
    /// Arabic (`ar`).
    Ar,
}

impl CardLanguage {
    /// Every language, in the order of their codes.
    pub const ALL: [CardLanguage; 6] = [Self::Ar, Self::En, Self::Es, Self::Fr, Self::Ru, Self::Zh];

    /// The ISO 639-1 code: `en`, `zh`, `fr`, `es`, `ru`, `ar`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Zh => "zh",
            Self::Fr => "fr",
            Self::Es => "es",
            Self::Ru => "ru",
            Self::Ar => "ar",
        }
    }

    pub(super) fn labels(self) -> &'static Labels {
        match self {
            Self::En => &EN,
            Self::Zh => &ZH,
            Self::Fr => &FR,
            Self::Es => &ES,
            Self::Ru => &RU,
            Self::Ar => &AR,
        }
    }
}

impl fmt::Display for CardLanguage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A language code the card has no labels for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCardLanguage(pub String);

impl fmt::Display for UnknownCardLanguage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no card labels for language {:?} (available: ar, en, es, fr, ru, zh)",
            self.0
        )
    }
}

impl std::error::Error for UnknownCardLanguage {}

impl FromStr for CardLanguage {
    type Err = UnknownCardLanguage;

    /// Parses an ISO 639-1 code, case-insensitively; a region or script
    /// subtag (`zh-Hans`, `en-GB`) is ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let primary = s.split(['-', '_']).next().unwrap_or(s).to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|l| l.code() == primary)
            .ok_or_else(|| UnknownCardLanguage(s.to_owned()))
    }
}

/// The words of one language.
pub(super) struct Labels {
    pub title: &'static str,
    pub born: &'static str,
    pub sex: &'static str,
    pub nationality: &'static str,
    pub flight: &'static str,
    pub document: &'static str,
    pub nat: &'static str,
    pub antibody: &'static str,
    pub vaccination: &'static str,
    pub dose: &'static str,
    pub sampled: &'static str,
    pub negative: &'static str,
    pub positive: &'static str,
    pub inconclusive: &'static str,
    pub valid_until: &'static str,
    pub issued_by: &'static str,
    pub certificate_id: &'static str,
    pub footer: &'static str,
}

const EN: Labels = Labels {
    title: "Travel health certificate",
    born: "Born",
    sex: "Sex",
    nationality: "Nationality",
    flight: "Flight",
    document: "Document",
    nat: "NAT",
    antibody: "Antibody",
    vaccination: "Vaccination",
    dose: "dose",
    sampled: "sampled",
    negative: "NEGATIVE",
    positive: "POSITIVE",
    inconclusive: "INCONCLUSIVE",
    valid_until: "Valid until",
    issued_by: "Issued by",
    certificate_id: "certificate id",
    footer: "Scan to verify; the printed text is not proof on its own.",
};

const ZH: Labels = Labels {
    title: "国际旅行健康证明",
    born: "出生日期",
    sex: "性别",
    nationality: "国籍",
    flight: "航班",
    document: "证件",
    nat: "核酸检测",
    antibody: "抗体检测",
    vaccination: "疫苗接种",
    dose: "剂次",
    sampled: "采样时间",
    negative: "阴性",
    positive: "阳性",
    inconclusive: "不确定",
    valid_until: "有效期至",
    issued_by: "签发方",
    certificate_id: "证书编号",
    footer: "请扫码验证；打印文字本身不能作为证明。",
};

const FR: Labels = Labels {
    title: "Certificat sanitaire de voyage",
    born: "Né(e) le",
    sex: "Sexe",
    nationality: "Nationalité",
    flight: "Vol",
    document: "Document",
    nat: "TAAN",
    antibody: "Anticorps",
    vaccination: "Vaccination",
    dose: "dose",
    sampled: "prélevé le",
    negative: "NÉGATIF",
    positive: "POSITIF",
    inconclusive: "NON CONCLUANT",
    valid_until: "Valable jusqu'au",
    issued_by: "Délivré par",
    certificate_id: "n° de certificat",
    footer: "Scanner pour vérifier ; le texte imprimé ne fait pas foi.",
};

const ES: Labels = Labels {
    title: "Certificado sanitario de viaje",
    born: "Nacimiento",
    sex: "Sexo",
    nationality: "Nacionalidad",
    flight: "Vuelo",
    document: "Documento",
    nat: "PAAN",
    antibody: "Anticuerpos",
    vaccination: "Vacunación",
    dose: "dosis",
    sampled: "muestra",
    negative: "NEGATIVO",
    positive: "POSITIVO",
    inconclusive: "NO CONCLUYENTE",
    valid_until: "Válido hasta",
    issued_by: "Expedido por",
    certificate_id: "n.º de certificado",
    footer: "Escanee para verificar; el texto impreso no es prueba por sí solo.",
};

const RU: Labels = Labels {
    title: "Медицинский сертификат для поездок",
    born: "Дата рождения",
    sex: "Пол",
    nationality: "Гражданство",
    flight: "Рейс",
    document: "Документ",
    nat: "МАНК",
    antibody: "Антитела",
    vaccination: "Вакцинация",
    dose: "доза",
    sampled: "взятие пробы",
    negative: "ОТРИЦАТЕЛЬНО",
    positive: "ПОЛОЖИТЕЛЬНО",
    inconclusive: "НЕОПРЕДЕЛЁННО",
    valid_until: "Действителен до",
    issued_by: "Выдан",
    certificate_id: "номер сертификата",
    footer: "Отсканируйте для проверки; печатный текст сам по себе не является доказательством.",
};

const AR: Labels = Labels {
    title: "شهادة صحية للسفر",
    born: "تاريخ الميلاد",
    sex: "الجنس",
    nationality: "الجنسية",
    flight: "الرحلة",
    document: "الوثيقة",
    nat: "اختبار الحمض النووي",
    antibody: "الأجسام المضادة",
    vaccination: "التطعيم",
    dose: "الجرعة",
    sampled: "أخذ العينة",
    negative: "سلبي",
    positive: "إيجابي",
    inconclusive: "غير حاسم",
    valid_until: "صالحة حتى",
    issued_by: "صادرة عن",
    certificate_id: "رقم الشهادة",
    footer: "امسح الرمز للتحقق؛ النص المطبوع ليس دليلاً بمفرده.",
};

/// `field` of each language joined with " / ", duplicates once (`Document`
/// is the same word in English and French).
pub(super) fn joined(
    languages: &[CardLanguage],
    field: impl Fn(&Labels) -> &'static str,
) -> String {
    let mut words: Vec<&'static str> = Vec::new();
    for language in languages {
        let word = field(language.labels());
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words.join(" / ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_and_print() {
        for language in CardLanguage::ALL {
            assert_eq!(language.code().parse::<CardLanguage>(), Ok(language));
            assert_eq!(language.to_string(), language.code());
        }
        assert_eq!("zh-Hans".parse(), Ok(CardLanguage::Zh));
        assert_eq!("EN_gb".parse(), Ok(CardLanguage::En));
        let err = "de".parse::<CardLanguage>().unwrap_err();
        assert!(err.to_string().contains("\"de\""));
    }

    #[test]
    fn labels_join_without_repeats() {
        use CardLanguage::*;
        assert_eq!(joined(&[Zh, En], |l| l.sex), "性别 / Sex");
        assert_eq!(joined(&[En, Fr], |l| l.document), "Document");
        assert_eq!(joined(&[En], |l| l.title), "Travel health certificate");
    }
}
