//! Dates at the precision a brief writes them: a year, a month, or a day.

use std::fmt;

use serde::Serialize;

/// A calendar date known to a year, a month or a day. Ordering puts a less precise date
/// before the more precise dates it contains ("2021" < "2021-03" < "2021-03-05").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PartialDate {
    pub year: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day: Option<u8>,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(text: &str) -> Result<Self, String> {
        let parts: Vec<&str> = text.split('-').collect();
        let widths = [4, 2, 2];
        if parts.is_empty()
            || parts.len() > 3
            || parts.iter().zip(widths).any(|(part, width)| {
                part.len() != width || !part.bytes().all(|b| b.is_ascii_digit())
            })
        {
            return Err(format!(
                "`{text}` is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"
            ));
        }
        let number = |i: usize| {
            parts
                .get(i)
                .map(|p| p.parse::<u32>().expect("checked digits"))
        };
        Self::from_parts(number(0).unwrap_or(0) as i32, number(1), number(2))
    }

    /// Builds a date from its parts, checking month and day ranges.
    pub fn from_parts(year: i32, month: Option<u32>, day: Option<u32>) -> Result<Self, String> {
        if let Some(month) = month {
            if !(1..=12).contains(&month) {
                return Err(format!(
                    "month {month} does not exist (months run from 01 to 12)"
                ));
            }
            if let Some(day) = day {
                let last = days_in_month(year, month);
                if day == 0 || day > last {
                    return Err(format!(
                        "day {day} does not exist in {year}-{month:02} (it has {last} days)"
                    ));
                }
            }
        }
        Ok(Self {
            year,
            month: month.map(|m| m as u8),
            day: day.map(|d| d as u8),
        })
    }

    pub fn is_full(&self) -> bool {
        self.day.is_some()
    }

    /// The first day the date covers, for comparisons against other dates.
    pub fn first_day(&self) -> (i32, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day the date covers: `2021` ends on 2021-12-31.
    pub fn last_day(&self) -> (i32, u8, u8) {
        let month = self.month.unwrap_or(12);
        let day = self
            .day
            .unwrap_or(days_in_month(self.year, month as u32) as u8);
        (self.year, month, day)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_precision() {
        assert_eq!(PartialDate::parse("2021").unwrap().to_string(), "2021");
        assert_eq!(
            PartialDate::parse("2021-03").unwrap().to_string(),
            "2021-03"
        );
        assert_eq!(
            PartialDate::parse("2024-02-29").unwrap().to_string(),
            "2024-02-29"
        );
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        for bad in [
            "2023-02-29",
            "2021-13",
            "2021-00",
            "21-03-01",
            "2021-3-1",
            "2021/03/01",
            "",
            "2021-03-01-02",
            "２０２１",
        ] {
            assert!(PartialDate::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn less_precise_dates_sort_first() {
        let mut dates: Vec<PartialDate> = ["2021-03-05", "2021-03", "2020-12-31", "2021"]
            .iter()
            .map(|d| PartialDate::parse(d).unwrap())
            .collect();
        dates.sort();
        let written: Vec<String> = dates.iter().map(|d| d.to_string()).collect();
        assert_eq!(written, ["2020-12-31", "2021", "2021-03", "2021-03-05"]);
    }

    #[test]
    fn spans_compare_by_covered_days() {
        let year = PartialDate::parse("2021").unwrap();
        assert_eq!(year.last_day(), (2021, 12, 31));
        assert_eq!(
            PartialDate::parse("2024-02").unwrap().last_day(),
            (2024, 2, 29)
        );
    }
}
