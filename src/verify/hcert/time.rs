//! Lenient date-time parsing for foreign formats (EU DCC sampling times and
//! test data clocks): `YYYY-MM-DDTHH:MM[:SS][.fraction][offset]` where the
//! offset is `Z`, `±HH:MM`, `±HHMM` or `±HH`; no offset means UTC; any number
//! of fraction digits (ignored); a space may stand for the `T`.

use crate::model::{Date, Timestamp};

/// Parses a date-time leniently (see the module documentation); a bare date
/// `YYYY-MM-DD` is its midnight UTC. `None` when it is not one.
pub fn parse_datetime(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    let date = Date::parse(text.get(..10)?).ok()?;
    let rest = text.get(10..)?;
    let day_start = date.days_since_epoch().checked_mul(86_400)?;
    if rest.is_empty() {
        return Timestamp::from_unix(day_start).ok();
    }
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let num = |s: Option<&str>| -> Option<i64> {
        let s = s?;
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    let hour = num(rest.get(..2))?;
    let minute = num(rest.get(3..5)).filter(|_| rest.get(2..3) == Some(":"))?;
    let mut pos = 5;
    let mut second = 0;
    if rest.get(pos..pos + 1) == Some(":") {
        second = num(rest.get(pos + 1..pos + 3))?;
        pos += 3;
    }
    if rest.get(pos..pos + 1) == Some(".") || rest.get(pos..pos + 1) == Some(",") {
        pos += 1;
        let digits = rest
            .get(pos..)?
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        if digits == 0 {
            return None;
        }
        pos += digits;
    }
    let offset = match rest.get(pos..)? {
        "" | "Z" | "z" => 0,
        tz => {
            let sign = match tz.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let body = tz.get(1..)?.replace(':', "");
            let (h, m) = match body.len() {
                2 => (num(body.get(..2))?, 0),
                4 => (num(body.get(..2))?, num(body.get(2..4))?),
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            sign * (h * 3600 + m * 60)
        }
    };
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let local = day_start + hour * 3600 + minute * 60 + second.min(59);
    Timestamp::from_unix(local - offset).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spellings_of_deployed_clocks() {
        let t = |s: &str| parse_datetime(s).map(|t| t.to_string());
        let z = Some("2021-06-01T18:00:00Z".to_owned());
        assert_eq!(t("2021-06-01T20:00:00+02:00"), z);
        assert_eq!(t("2021-06-01T20:00:00+0200"), z);
        assert_eq!(t("2021-06-01T18:00:00Z"), z);
        assert_eq!(t("2021-06-01T18:00:00"), z);
        assert_eq!(t("2021-06-01T18:00:00.9906293Z"), z);
        assert_eq!(t("2021-06-01T21:00:00.0361019+03:00"), z);
        assert_eq!(t("2021-06-01T18:00:00+0000"), z);
        assert_eq!(t("2021-06-01T18:00Z"), z);
        assert_eq!(t("2021-06-01"), Some("2021-06-01T00:00:00Z".to_owned()));
        assert_eq!(t("2021-06-01T25:00:00Z"), None);
        assert_eq!(t("2021-06-01T18:00:00+2"), None);
        assert_eq!(t("yesterday"), None);
        assert_eq!(t("2021-06-01T18:00:00."), None);
    }
}
