//! Figure benchmarks, as ratios against a baseline measured in the same run (these machines
//! are shared and noisy, so only ratios mean anything): a table of 2,000 rows against one of
//! 1,000 (a table's cost should grow with its rows, and not faster: at most 2.3 times), and a
//! brief with 20 charts against the same brief without them.
//!
//! Each round typesets the two briefs of a pair one after the other, cold (Typst's memoized
//! results are cleared first), in alternating order; the figure is the median of the rounds'
//! ratios, so that a burst of load on the machine spoils one round, not the result.
//!
//! cargo bench --bench figures

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use brief::brief::sample;
use brief::run::pipeline::{Session, Settings};
use brief::run::runner::{self, Job, Output};
use brief::typeset::fonts;

/// The allocator of the `brief` binary, so that the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROUNDS: usize = 7;

/// One cold build of `input` into `output`.
fn build(session: &Session, input: &Path, output: &Path) -> Duration {
    typst::comemo::evict(0);
    let started = Instant::now();
    let outcome = runner::run(
        session,
        &Job::of(input, vec![Output::Pdf(output.to_path_buf())]),
    );
    let elapsed = started.elapsed();
    assert!(
        outcome.made.is_some(),
        "{} did not build: {:?}",
        input.display(),
        outcome.diagnostics
    );
    elapsed
}

/// The median over the rounds of `b`'s time over `a`'s, and the medians of both.
fn ratio(session: &Session, a: &Path, b: &Path, dir: &Path) -> (f64, Duration, Duration) {
    let out = dir.join("out.pdf");
    // One build of each first, so that fonts and templates are loaded before any is timed.
    build(session, a, &out);
    build(session, b, &out);
    let mut ratios = vec![];
    let (mut times_a, mut times_b) = (vec![], vec![]);
    for round in 0..ROUNDS {
        let (ta, tb) = if round % 2 == 0 {
            let ta = build(session, a, &out);
            (ta, build(session, b, &out))
        } else {
            let tb = build(session, b, &out);
            (build(session, a, &out), tb)
        };
        ratios.push(tb.as_secs_f64() / ta.as_secs_f64());
        times_a.push(ta);
        times_b.push(tb);
    }
    ratios.sort_by(f64::total_cmp);
    times_a.sort();
    times_b.sort();
    (ratios[ROUNDS / 2], times_a[ROUNDS / 2], times_b[ROUNDS / 2])
}

/// The sample brief with a table of `rows` rows read from a CSV file beside it.
fn table_brief(dir: &Path, rows: usize) -> PathBuf {
    let mut csv = String::from("Month,Route,Transit (Mt),Change (%)\n");
    for i in 0..rows {
        csv += &format!(
            "{}-{:02},Route {},{}.{},{}{}.{}\n",
            2000 + i / 12,
            i % 12 + 1,
            i % 7,
            10 + i % 13,
            i % 10,
            if i % 3 == 0 { "-" } else { "" },
            i % 5,
            i % 10
        );
    }
    std::fs::write(dir.join(format!("rows-{rows}.csv")), csv).unwrap();
    let figure = format!(
        "\n[[figures]]\nid = \"table\"\nkind = \"table\"\ncaption = \"Monthly transit by route (illustrative)\"\ndata = \"rows-{rows}.csv\"\n"
    );
    write_with_figures(dir, &format!("table-{rows}"), &figure, &["table"])
}

/// The sample brief with `charts` charts of five series of twelve values.
fn charts_brief(dir: &Path, charts: usize) -> PathBuf {
    let kinds = ["column", "bar", "line", "stacked-column", "stacked-bar"];
    let mut figures = String::new();
    let mut ids = vec![];
    for c in 0..charts {
        let series: Vec<String> = (0..5)
            .map(|s| {
                let values: Vec<String> = (0..12)
                    .map(|m| format!("{}.{}", (c + s * 3 + m) % 17 + 1, m % 10))
                    .collect();
                format!(
                    "{{ name = \"Series {s}\", values = [{}] }}",
                    values.join(", ")
                )
            })
            .collect();
        let labels: Vec<String> = (1..=12).map(|m| format!("\"M{m}\"")).collect();
        figures += &format!(
            "\n[[figures]]\nid = \"chart-{c}\"\nkind = \"chart\"\nchart = \"{}\"\ncaption = \"Chart {c} (illustrative)\"\nalt = \"Five series over twelve months.\"\nlabels = [{}]\nseries = [{}]\n",
            kinds[c % kinds.len()],
            labels.join(", "),
            series.join(", ")
        );
        ids.push(format!("chart-{c}"));
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    write_with_figures(dir, &format!("charts-{charts}"), &figures, &ids)
}

/// The sample brief with `figures` added and placed in its first section.
fn write_with_figures(dir: &Path, name: &str, figures: &str, ids: &[&str]) -> PathBuf {
    let text = sample::variant_text(0, None, None);
    let placed: Vec<String> = ids.iter().map(|id| format!("\"{id}\"")).collect();
    let text = text.replacen(
        "[[sections]]\n",
        &format!("[[sections]]\nfigures = [{}]\n", placed.join(", ")),
        1,
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, format!("{text}{figures}")).unwrap();
    path
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let session = Session::new(Settings::default(), fonts::load(&[]).unwrap());

    let (a, b) = (table_brief(dir.path(), 1000), table_brief(dir.path(), 2000));
    let (r, ta, tb) = ratio(&session, &a, &b, dir.path());
    println!(
        "table of 2000 rows / table of 1000 rows: {r:.2} (median of {ROUNDS} rounds; {:.2} s / {:.2} s)",
        tb.as_secs_f64(),
        ta.as_secs_f64()
    );
    assert!(
        r <= 2.3,
        "a table of 2000 rows costs {r:.2} times one of 1000"
    );

    let (a, b) = (charts_brief(dir.path(), 0), charts_brief(dir.path(), 20));
    let (r, ta, tb) = ratio(&session, &a, &b, dir.path());
    println!(
        "brief with 20 charts / the same without: {r:.2} (median of {ROUNDS} rounds; {:.2} s / {:.2} s)",
        tb.as_secs_f64(),
        ta.as_secs_f64()
    );
}
