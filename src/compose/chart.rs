//! A chart's value axis: from its values to a scale with ticks at round numbers, always
//! holding zero (bars grow from a baseline), with room for stacked sums and negative values.
//! Computed here, not in the template, so the value labels and ticks a reader sees are the
//! numbers a test can read back.

use serde::Serialize;

use crate::brief::model::{ChartType, Series};
use crate::brief::number;

/// How many intervals an axis aims at: few enough for a chart a third of a page high.
const TARGET_TICKS: f64 = 5.0;

/// The most decimals a tick is printed with: values have at most `number::MAX_DECIMALS`, and
/// their ticks may fall a tenth (or a fortieth, at steps of 2.5) of their last decimal apart.
const MAX_TICK_DECIMALS: u8 = number::MAX_DECIMALS + 3;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Axis {
    pub min: f64,
    pub max: f64,
    pub ticks: Vec<Tick>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tick {
    pub value: f64,
    pub text: String,
}

/// The lowest and highest point a chart's marks reach: each value, or for a stacked chart
/// the sums of each category's positive values and of its negative ones.
pub fn extent(chart: ChartType, labels: usize, series: &[Series]) -> (f64, f64) {
    let (mut low, mut high) = (0.0_f64, 0.0_f64);
    if chart.is_stacked() {
        for category in 0..labels {
            let values = series
                .iter()
                .filter_map(|s| s.values.get(category).copied().flatten());
            let (mut up, mut down) = (0.0, 0.0);
            for v in values {
                if v.value >= 0.0 {
                    up += v.value;
                } else {
                    down += v.value;
                }
            }
            high = high.max(up);
            low = low.min(down);
        }
    } else {
        for v in series.iter().flat_map(|s| s.values.iter().flatten()) {
            high = high.max(v.value);
            low = low.min(v.value);
        }
    }
    (low, high)
}

/// The axis over `low..high` (which holds zero), with ticks at multiples of 1, 2, 2.5 or 5
/// times a power of ten, labelled in the brief's language.
pub fn axis(low: f64, high: f64, language: &str) -> Axis {
    let span = high - low;
    if span <= 0.0 || !span.is_finite() {
        // Every value zero, or none: a unit axis, so that the baseline has a place.
        return axis(0.0, 1.0, language);
    }
    let rough = span / TARGET_TICKS;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * power);
    let min = (low / step).floor() * step;
    let max = (high / step).ceil() * step;
    // Decimals enough to tell the ticks apart: 2.5 needs one more than 2 or 5. Not bounded by
    // the decimals a value may have: values of 0.000001 and 0.000002 have ticks a tenth of
    // that apart.
    let decimals = (-(step.log10().floor())).max(0.0) as u8
        + u8::from(((step / power) - 2.5).abs() < 1e-9 && power < 10.0);
    let count = ((max - min) / step).round() as i64;
    let values: Vec<f64> = (0..=count)
        .map(|i| {
            let value = min + i as f64 * step;
            // A tick that should be zero is zero, not a rounding error's -0.0000001.
            if value.abs() < step / 1e6 { 0.0 } else { value }
        })
        .collect();
    // Should rounding still print two ticks alike, a decimal more, within what an f64 holds.
    let decimals = (decimals..MAX_TICK_DECIMALS)
        .find(|&d| {
            let texts: Vec<String> = values
                .iter()
                .map(|v| format!("{v:.*}", usize::from(d)))
                .collect();
            texts.windows(2).all(|pair| pair[0] != pair[1])
        })
        .unwrap_or(MAX_TICK_DECIMALS);
    let ticks = values
        .into_iter()
        .map(|value| Tick {
            value,
            text: number::format(value, decimals, language),
        })
        .collect();
    Axis { min, max, ticks }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::brief::model::Number;

    fn values(axis: &Axis) -> Vec<&str> {
        axis.ticks.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn ticks_fall_on_round_numbers_and_hold_zero() {
        assert_eq!(
            values(&axis(0.0, 21.0, "en")),
            ["0", "5", "10", "15", "20", "25"]
        );
        assert_eq!(
            values(&axis(-3.0, 7.0, "en")),
            ["\u{2212}4", "\u{2212}2", "0", "2", "4", "6", "8"]
        );
        assert_eq!(
            values(&axis(0.0, 1.1, "de")),
            ["0,00", "0,25", "0,50", "0,75", "1,00", "1,25"]
        );
        assert_eq!(
            values(&axis(0.0, 1.9, "de")),
            ["0,0", "0,5", "1,0", "1,5", "2,0"]
        );
        assert_eq!(
            values(&axis(0.0, 12.0, "en")),
            ["0.0", "2.5", "5.0", "7.5", "10.0", "12.5"]
        );
        assert_eq!(
            values(&axis(0.0, 0.0, "en")),
            ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
        );
        // Values of the smallest kind a brief can write still have ticks a reader tells apart.
        assert_eq!(
            values(&axis(0.0, 0.000_002, "en")),
            [
                "0.0000000",
                "0.0000005",
                "0.0000010",
                "0.0000015",
                "0.0000020"
            ]
        );
        assert_eq!(
            values(&axis(-0.000_001, 0.000_003, "en")),
            [
                "\u{2212}0.000001",
                "0.000000",
                "0.000001",
                "0.000002",
                "0.000003"
            ]
        );
        for high in [1e-6, 1.1e-6, 3e-6, 7e-6, 0.000_013, 0.5, 3.0, 1e9] {
            let axis = axis(0.0, high, "en");
            let texts = values(&axis);
            assert!(texts.windows(2).all(|p| p[0] != p[1]), "{high}: {texts:?}");
        }
        let big = axis(0.0, 4.2e9, "en");
        assert_eq!(big.max, 5e9);
        assert!(big.ticks.iter().all(|t| !t.text.contains('e')));
    }

    #[test]
    fn stacked_charts_reach_their_sums() {
        let n = |v: f64| {
            Some(Number {
                value: v,
                decimals: 0,
            })
        };
        let series = [
            Series {
                name: "a".into(),
                values: vec![n(3.0), n(-2.0), None],
            },
            Series {
                name: "b".into(),
                values: vec![n(4.0), n(-1.0), n(1.0)],
            },
        ];
        assert_eq!(extent(ChartType::StackedColumn, 3, &series), (-3.0, 7.0));
        assert_eq!(extent(ChartType::Column, 3, &series), (-2.0, 4.0));
    }
}
