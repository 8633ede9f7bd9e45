//! AGE: apimachinery's `HumanDuration` of now − creationTimestamp (facts 9.7), and the
//! RFC 3339 timestamps the API writes. `now` is always an argument.

/// AGE of an object (`translateTimestampSince`): `<unknown>` without a creationTimestamp.
pub fn age(creation_timestamp: Option<&str>, now: i64) -> String {
    match creation_timestamp.and_then(parse_timestamp) {
        Some(created) => human_duration(now - created),
        None => "<unknown>".to_string(),
    }
}

/// apimachinery `duration.HumanDuration` of a number of seconds (facts 9.7).
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 { format!("{minutes}m") } else { format!("{minutes}m{s}s") };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 { format!("{hours}h") } else { format!("{hours}h{m}m") };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 { format!("{}d", hours / 24) } else { format!("{}d{h}h", hours / 24) };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let days = (hours / 24) % 365;
        let years = hours / 24 / 365;
        return if days == 0 { format!("{years}y") } else { format!("{years}y{days}d") };
    }
    format!("{}y", hours / 24 / 365)
}

/// A decimal `i64` as `str::parse` reads one (an optional sign, then ASCII digits; `None`
/// when empty or out of range). By hand: the timestamps are the page's only `i64` parse,
/// and core's generic one is about 700 bytes of its code.
fn parse_i64(text: &str) -> Option<i64> {
    let (is_negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, text.get(1..)?),
        Some(b'+') => (false, text.get(1..)?),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: i64 = 0;
    for byte in digits.bytes() {
        let digit = i64::from(char::from(byte).to_digit(10)?);
        value = value.checked_mul(10)?;
        value = if is_negative { value.checked_sub(digit)? } else { value.checked_add(digit)? };
    }
    Some(value)
}

/// Parses an RFC 3339 timestamp as the API writes it (`2026-11-25T09:02:11Z`, optionally
/// with fractional seconds or a `+01:00` offset) into seconds since the Unix epoch.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = text.split_once(['T', 't', ' '])?;
    let (year, month, day) = three_numbers(date, '-')?;
    let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        (clock, 0)
    } else {
        let sign_at = time.rfind(['+', '-'])?;
        let (clock, zone) = time.split_at(sign_at);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let (zone_hours, zone_minutes) = zone.get(1..)?.split_once(':')?;
        let zone_hours = parse_i64(zone_hours)?;
        let zone_minutes = parse_i64(zone_minutes)?;
        (clock, sign * (zone_hours * 3600 + zone_minutes * 60))
    };
    let clock = clock.split('.').next()?;
    let (hour, minute, second) = three_numbers(clock, ':')?;
    let is_valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..=60).contains(&second);
    if !is_valid {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

/// `a-b-c` or `a:b:c` as three numbers: the date and the clock share one function.
#[inline(never)]
fn three_numbers(text: &str, separator: char) -> Option<(i64, i64, i64)> {
    let mut parts = text.splitn(3, separator);
    Some((parse_i64(parts.next()?)?, parse_i64(parts.next()?)?, parse_i64(parts.next()?)?))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    #[test]
    fn parse_i64_reads_what_str_parse_reads() {
        let texts = [
            "",
            "+",
            "-",
            "0",
            "-0",
            "+0",
            "007",
            "2026",
            "+12",
            "-12",
            "1a",
            " 1",
            "1 ",
            "++1",
            "-+1",
            "١٢",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "99999999999999999999",
            "12.5",
            "0x10",
        ];
        for text in texts {
            assert_eq!(super::parse_i64(text), text.parse::<i64>().ok(), "{text}");
        }
    }
}
