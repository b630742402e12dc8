//! Timestamps as servers write them: HTTP dates (`Retry-After`) and ISO-8601 / RFC 3339
//! date-times (the `time` of a Baseten webhook), both turned into epoch milliseconds.
//!
//! Choices made where the formats leave room:
//! * HTTP dates (RFC 9110 §5.6.7) are accepted in all three forms: IMF-fixdate
//!   (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
//!   (`Sun Nov  6 08:49:37 1994`). Day and month names are matched case-insensitively, the
//!   weekday is checked to be a weekday name but not against the date, and `UTC` is accepted
//!   in place of `GMT`. A two-digit RFC 850 year `yy` is 19yy when `yy >= 70`, else 20yy.
//! * ISO-8601 date-times must be `YYYY-MM-DD`, a `T` (or `t`, or a space), `hh:mm:ss`, an
//!   optional fraction (`.` or `,` then any number of digits), then `Z`, `±hh:mm`, `±hhmm` or
//!   `±hh`. A date-time without an offset is taken as UTC (the webhook's `time` is UTC).
//! * Second 60 (a leap second) is accepted and counts as the first second of the next minute.
//! * Anything else, including out-of-range fields (`Feb 30`, hour 24), gives `None`.

/// Longest input either parser looks at; longer strings are refused without scanning.
const MAX_LEN: usize = 96;

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const LONG_DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Days from 1970-01-01 to the given proleptic Gregorian date (negative before 1970).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Epoch milliseconds of a UTC date and time, after checking every field's range.
fn epoch_ms(year: i64, month: u32, day: u32, h: u32, m: u32, s: u32) -> Option<f64> {
    let valid = (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
        && h <= 23
        && m <= 59
        && s <= 60;
    if !valid {
        return None;
    }
    let secs = days_from_civil(year, month, day) * 86_400
        + i64::from(h) * 3_600
        + i64::from(m) * 60
        + i64::from(s);
    Some(secs as f64 * 1000.0)
}

/// A run of `min..=max` ASCII digits as a number.
fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn month(s: &str) -> Option<u32> {
    let i = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(s))?;
    u32::try_from(i + 1).ok()
}

fn is_day(s: &str, long: bool) -> bool {
    let names: &[&str] = if long { &LONG_DAYS } else { &DAYS };
    names.iter().any(|d| d.eq_ignore_ascii_case(s))
}

fn is_gmt(s: &str) -> bool {
    s.eq_ignore_ascii_case("GMT") || s.eq_ignore_ascii_case("UTC")
}

/// `hh:mm:ss`, two digits each.
fn clock(s: &str) -> Option<(u32, u32, u32)> {
    let mut parts = s.split(':');
    let h = digits(parts.next()?, 2, 2)?;
    let m = digits(parts.next()?, 2, 2)?;
    let sec = digits(parts.next()?, 2, 2)?;
    if parts.next().is_some() {
        return None;
    }
    Some((h, m, sec))
}

/// Parses an HTTP date in any of its three forms (see the module docs) into epoch
/// milliseconds. `None` when `s` is not one.
pub fn parse_http_date(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.len() > MAX_LEN {
        return None;
    }
    let tokens: Vec<&str> = s.split_ascii_whitespace().collect();
    match tokens.as_slice() {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        [wd, day, mon, year, time, zone] => {
            let wd = wd.strip_suffix(',')?;
            if !is_day(wd, false) || !is_gmt(zone) {
                return None;
            }
            let (h, m, sec) = clock(time)?;
            let year = i64::from(digits(year, 4, 4)?);
            epoch_ms(year, month(mon)?, digits(day, 1, 2)?, h, m, sec)
        }
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
        [wd, date, time, zone] => {
            let wd = wd.strip_suffix(',')?;
            if !(is_day(wd, true) || is_day(wd, false)) || !is_gmt(zone) {
                return None;
            }
            let mut parts = date.split('-');
            let day = digits(parts.next()?, 1, 2)?;
            let mon = month(parts.next()?)?;
            let year = parts.next()?;
            if parts.next().is_some() {
                return None;
            }
            let year = match year.len() {
                2 => {
                    let yy = i64::from(digits(year, 2, 2)?);
                    if yy >= 70 {
                        1900 + yy
                    } else {
                        2000 + yy
                    }
                }
                _ => i64::from(digits(year, 4, 4)?),
            };
            let (h, m, sec) = clock(time)?;
            epoch_ms(year, mon, day, h, m, sec)
        }
        // asctime: Sun Nov  6 08:49:37 1994
        [wd, mon, day, time, year] => {
            if !is_day(wd, false) {
                return None;
            }
            let (h, m, sec) = clock(time)?;
            let year = i64::from(digits(year, 4, 4)?);
            epoch_ms(year, month(mon)?, digits(day, 1, 2)?, h, m, sec)
        }
        _ => None,
    }
}

/// A cursor over the bytes of an ISO-8601 string.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, want: &[u8]) -> Option<u8> {
        let b = self.peek().filter(|b| want.contains(b))?;
        self.pos += 1;
        Some(b)
    }

    /// Exactly `n` digits.
    fn num(&mut self, n: usize) -> Option<u32> {
        let mut v: u32 = 0;
        for _ in 0..n {
            let b = self.peek().filter(u8::is_ascii_digit)?;
            v = v * 10 + u32::from(b - b'0');
            self.pos += 1;
        }
        Some(v)
    }
}

/// Parses an ISO-8601 / RFC 3339 date-time (see the module docs for the accepted forms) into
/// epoch milliseconds, keeping sub-millisecond precision as a fraction. `None` when `s` is
/// not one.
pub fn parse_iso8601(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.len() > MAX_LEN {
        return None;
    }
    let mut c = Cursor {
        bytes: s.as_bytes(),
        pos: 0,
    };
    let year = c.num(4)?;
    c.eat(b"-")?;
    let mon = c.num(2)?;
    c.eat(b"-")?;
    let day = c.num(2)?;
    c.eat(b"Tt ")?;
    let h = c.num(2)?;
    c.eat(b":")?;
    let m = c.num(2)?;
    c.eat(b":")?;
    let sec = c.num(2)?;
    let mut frac_ms = 0.0;
    if c.eat(b".,").is_some() {
        let mut scale = 100.0;
        let mut any = false;
        while let Some(b) = c.peek().filter(u8::is_ascii_digit) {
            frac_ms += f64::from(b - b'0') * scale;
            scale /= 10.0;
            any = true;
            c.pos += 1;
        }
        if !any {
            return None;
        }
    }
    let offset_min: i64 = match c.peek() {
        None => 0,
        Some(b'Z' | b'z') => {
            c.pos += 1;
            0
        }
        Some(b'+' | b'-') => {
            let sign = if c.eat(b"+-")? == b'-' { -1 } else { 1 };
            let oh = c.num(2)?;
            let om = if c.peek().is_none() {
                0
            } else {
                c.eat(b":");
                c.num(2)?
            };
            if oh > 23 || om > 59 {
                return None;
            }
            sign * i64::from(oh * 60 + om)
        }
        Some(_) => return None,
    };
    if c.peek().is_some() {
        return None;
    }
    let local = epoch_ms(i64::from(year), mon, day, h, m, sec)?;
    Some(local + frac_ms - (offset_min * 60_000) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
    }
}
