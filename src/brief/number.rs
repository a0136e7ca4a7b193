//! Numbers in figures: read as the brief writes them (keeping how many decimals it gave), and
//! printed in the brief's language (its decimal separator, a true minus sign).

use crate::brief::model::Number;

/// The most decimals a number keeps: more is noise in a paper, and bounds every label.
pub const MAX_DECIMALS: u8 = 6;

/// The largest magnitude a chart or table takes: far beyond any quantity a paper reports,
/// and small enough that sums and scales of thousands of values stay exact and finite.
pub const MAX_MAGNITUDE: f64 = 1e15;

/// Reads a number written as `-12`, `3.5`, `−0.25` or `+7` (digits with an optional sign and
/// decimal point; a true minus sign is taken too). `None` for anything else, including
/// thousands separators, which differ between languages and would make `1,250` ambiguous.
pub fn parse(text: &str) -> Option<Number> {
    let text = text.trim();
    let (negative, digits) = match text.chars().next()? {
        '-' | '\u{2212}' => (true, &text[text.chars().next()?.len_utf8()..]),
        '+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || fraction.is_some_and(|f| !all_digits(f)) {
        return None;
    }
    let decimals = fraction.map_or(0, str::len);
    let plain = format!("{whole}.{}", fraction.unwrap_or("0"));
    let value: f64 = plain.parse().ok()?;
    if !value.is_finite() || value > MAX_MAGNITUDE || decimals > usize::from(MAX_DECIMALS) {
        return None;
    }
    Some(Number {
        value: if negative { -value } else { value },
        decimals: decimals as u8,
    })
}

/// The character between a number's whole part and its decimals in a language.
pub fn decimal_separator(primary: &str) -> char {
    match primary {
        "en" | "ja" | "zh" | "ko" | "he" | "th" => '.',
        // Most of Europe, and the brief's other languages (be, de, fr, lt, pl, ru, uk).
        _ => ',',
    }
}

/// `value` with `decimals` decimals in a language: `-3.5` is `−3,5` in German.
pub fn format(value: f64, decimals: u8, primary: &str) -> String {
    let text = format!("{:.*}", usize::from(decimals), value.abs());
    // A value that rounds to zero is printed without a sign.
    let negative = value < 0.0 && text.bytes().any(|b| matches!(b, b'1'..=b'9'));
    let text = text.replace('.', &decimal_separator(primary).to_string());
    if negative {
        format!("\u{2212}{text}")
    } else {
        text
    }
}

/// A number as a table prints it: written as [`parse`] reads it, it is printed in the
/// language; any other text is kept as written.
pub fn localise_cell(text: &str, primary: &str) -> String {
    match parse(text) {
        Some(number) => format(number.value, number.decimals, primary),
        None => text.to_string(),
    }
}

/// `value` with its unit: `21.5%` in English, `21,5 %` in German and French (with a no-break
/// space); other units follow after a no-break space.
pub fn with_unit(number: &str, unit: Option<&str>, primary: &str) -> String {
    match unit {
        None => number.to_string(),
        Some("%") if primary == "en" => format!("{number}%"),
        Some(unit) => format!("{number}\u{a0}{unit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_decimals() {
        let n = |text| parse(text).map(|n| (n.value, n.decimals));
        assert_eq!(n("21.0"), Some((21.0, 1)));
        assert_eq!(n("-3.25"), Some((-3.25, 2)));
        assert_eq!(n("\u{2212}7"), Some((-7.0, 0)));
        assert_eq!(n(" +12 "), Some((12.0, 0)));
        for bad in [
            "", "-", "1,5", "1.", ".5", "1e3", "1 000", "12%", "abc", "nan", "inf", "1.2.3",
        ] {
            assert_eq!(n(bad), None, "{bad}");
        }
        assert_eq!(n("1.1234567"), None);
        assert_eq!(n(&"9".repeat(400)), None);
    }

    #[test]
    fn numbers_print_in_the_language() {
        assert_eq!(format(-3.5, 1, "de"), "\u{2212}3,5");
        assert_eq!(format(19.8, 1, "en"), "19.8");
        assert_eq!(format(20.0, 1, "en"), "20.0");
        assert_eq!(format(-0.001, 1, "en"), "0.0");
        assert_eq!(localise_cell("1.25", "ru"), "1,25");
        assert_eq!(localise_cell("Zapad-2021", "ru"), "Zapad-2021");
        assert_eq!(with_unit("21.5", Some("%"), "en"), "21.5%");
        assert_eq!(with_unit("21,5", Some("%"), "de"), "21,5\u{a0}%");
        assert_eq!(with_unit("3", Some("bn m³"), "en"), "3\u{a0}bn m³");
    }
}
