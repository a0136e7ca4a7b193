//! `brief check` on a brief whose figure is a large SVG, as a ratio against one a quarter of its
//! size measured in the same run (these machines are shared and noisy, so only ratios mean
//! anything): an SVG of 40,000 elements against one of 10,000. Every check of a picture does
//! work in proportion to its size (the SVG's rules, and Typst's own decoding of it), so the
//! ratio should be about 4; a check that rescans the file for each element (finding a line
//! number from the start, as one once did) makes it 16.
//!
//! Each round checks the two briefs one after the other, cold (Typst's memoized results are
//! cleared first, as its decoding of a picture is memoized), in alternating order; the figure
//! is the median of the rounds' ratios.
//!
//! cargo bench --bench svg_check

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use brief::run::pipeline::{Input, Session, Settings};
use brief::typeset::fonts;

/// The allocator of the `brief` binary, so that the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROUNDS: usize = 11;

/// An SVG of `elements` small shapes, one to a line, as an editor writes a detailed drawing.
fn svg(elements: usize) -> String {
    // Plain fills: a gradient over every shape makes Typst's SVG reader itself grow faster
    // than the drawing (it is 6 times slower at 40,000 such shapes than at 10,000), which
    // would hide what this measures.
    let mut svg = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"400\" height=\"400\" viewBox=\"0 0 400 400\">\n<g fill=\"#1d3b5c\">\n",
    );
    for i in 0..elements {
        let (x, y) = (i % 200 * 2, i / 200 % 200 * 2);
        if i % 2 == 0 {
            svg += &format!("<rect x=\"{x}\" y=\"{y}\" width=\"1.5\" height=\"1.5\"/>\n");
        } else {
            svg += &format!(
                "<circle cx=\"{x}.75\" cy=\"{y}.75\" r=\"0.7\" style=\"fill: #3f8f6b\"/>\n"
            );
        }
    }
    svg += "</g>\n</svg>\n";
    svg
}

/// A brief whose one figure is an SVG of `elements` elements, beside it.
fn brief_with(dir: &Path, elements: usize) -> PathBuf {
    std::fs::write(dir.join(format!("map-{elements}.svg")), svg(elements)).unwrap();
    let text = format!(
        "title = \"A large drawing\"\ndate = 2024-01-15\n\n[summary]\ntext = \"S.\"\n\n\
         [[sections]]\nheading = \"H\"\nbody = \"B.\"\nfigures = [\"map\"]\n\n\
         [[figures]]\nid = \"map\"\nkind = \"image\"\ncaption = \"A map\"\n\
         file = \"map-{elements}.svg\"\nalt = \"A map of many small shapes.\"\n"
    );
    let path = dir.join(format!("map-{elements}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// One cold check of `input`: everything `brief check` does to a brief.
fn check(session: &Session, input: &Path) -> Duration {
    typst::comemo::evict(0);
    let started = Instant::now();
    let (_, prepared) = session.prepare(&Input::File(input.to_path_buf()));
    let elapsed = started.elapsed();
    if let Err(failure) = prepared {
        panic!(
            "{} does not pass: {:?}",
            input.display(),
            failure.into_diagnostics()
        );
    }
    elapsed
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let session = Session::new(Settings::default(), fonts::load(&[]).unwrap());
    let (a, b) = (
        brief_with(dir.path(), 10_000),
        brief_with(dir.path(), 40_000),
    );
    // Once each first, so that fonts are loaded before any is timed.
    check(&session, &a);
    check(&session, &b);
    let mut ratios = vec![];
    let (mut times_a, mut times_b) = (vec![], vec![]);
    for round in 0..ROUNDS {
        let (ta, tb) = if round % 2 == 0 {
            let ta = check(&session, &a);
            (ta, check(&session, &b))
        } else {
            let tb = check(&session, &b);
            (check(&session, &a), tb)
        };
        ratios.push(tb.as_secs_f64() / ta.as_secs_f64());
        times_a.push(ta);
        times_b.push(tb);
    }
    ratios.sort_by(f64::total_cmp);
    times_a.sort();
    times_b.sort();
    let r = ratios[ROUNDS / 2];
    let all: Vec<String> = ratios.iter().map(|r| format!("{r:.2}")).collect();
    println!("ratios of the rounds: {}", all.join(" "));
    println!(
        "check of an SVG of 40000 elements / one of 10000: {r:.2} (median of {ROUNDS} rounds; \
         {:.3} s / {:.3} s)",
        times_b[ROUNDS / 2].as_secs_f64(),
        times_a[ROUNDS / 2].as_secs_f64()
    );
    // Linear work makes 4; allow for caches and noise, never for a rescan per element (16).
    assert!(
        r <= 8.0,
        "checking four times the elements costs {r:.2} times as much"
    );
}
