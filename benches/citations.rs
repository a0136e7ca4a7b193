//! Citation benchmarks, as ratios against a baseline measured in the same run (these machines
//! are shared and noisy, so only ratios mean anything): the sample brief citing 500 references
//! of a 5,000-item CSL-JSON file against the same brief citing 50 of 500 (the citations at the
//! same places in the same text, ten references to a citation instead of one), both in the
//! Chicago notes style; `brief check` of the larger against `brief pdf` of it (at most 0.1);
//! and the formatting's cost for each reference cited in the larger against the smaller (at
//! most 1.5: the work is linear in the references cited, whatever the file's size).
//!
//! Each round builds the two briefs of a pair one after the other, cold (Typst's memoized
//! results are cleared first), in alternating order; the figure is the median of the rounds'
//! ratios. The parts of the citation work (reading the file, formatting the citations and the
//! list) are timed apart too, to say where the time goes.
//!
//! cargo bench --bench citations (or `--profile dev`, which reuses the test build's Typst)

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use brief::brief::sample;
use brief::run::pipeline::{Input, Marks, Prepared, Session, Settings};
use brief::run::runner::{self, Job, Output};
use brief::typeset::fonts;

/// The allocator of the `brief` binary, so that the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROUNDS: usize = 3;

/// A CSL-JSON file of `items` references of the kinds a policy paper cites.
fn references(items: usize) -> String {
    let kinds = [
        "article-journal",
        "book",
        "report",
        "chapter",
        "article-newspaper",
        "webpage",
    ];
    let families = [
        "Leukavets",
        "Wilson",
        "Way",
        "Kryzhanovskaya",
        "Snyder",
        "Applebaum",
        "Marples",
        "Korosteleva",
        "Petrova",
        "Nowak",
        "Šimkus",
        "Карпенка",
    ];
    let list: Vec<String> = (0..items)
        .map(|i| {
            let kind = kinds[i % kinds.len()];
            let authors: Vec<String> = (0..1 + i % 3)
                .map(|a| {
                    format!(
                        "{{\"family\": \"{}\", \"given\": \"Author {a}{}\"}}",
                        families[(i + a * 5) % families.len()],
                        i % 17
                    )
                })
                .collect();
            format!(
                "{{\"id\": \"ref-{i}\", \"type\": \"{kind}\", \"title\": \"On the question of {i}: policy, power and society in Eastern Europe\", \"author\": [{}], \"container-title\": \"Journal of Regional Studies {}\", \"publisher\": \"Press {}\", \"volume\": \"{}\", \"issue\": \"{}\", \"page\": \"{}-{}\", \"issued\": {{\"date-parts\": [[{}, {}, {}]]}}, \"DOI\": \"10.1000/ref.{i}\"}}",
                authors.join(", "),
                i % 40,
                i % 25,
                1 + i % 30,
                1 + i % 4,
                10 + i % 200,
                20 + i % 200,
                1990 + i % 35,
                1 + i % 12,
                1 + i % 28
            )
        })
        .collect();
    format!("[\n{}\n]\n", list.join(",\n"))
}

/// The sample brief with `citations` citations at the ends of its sections' sentences (the
/// same places whatever their number), citing `cited` references of a file of `items`, in
/// Chicago notes style.
fn brief(dir: &Path, cited: usize, items: usize) -> PathBuf {
    let file = format!("refs-{items}.json");
    std::fs::write(dir.join(&file), references(items)).unwrap();
    let text = sample::variant_text(0, None, None);
    let mut table: toml::Table = toml::from_str(&text).unwrap();
    let sections = table["sections"].as_array_mut().unwrap();
    // The ends of the sections' sentences, in order.
    let mut places = 0;
    for section in sections.iter() {
        places += section["body"].as_str().unwrap().matches(". ").count();
    }
    let per_place = cited.div_ceil(places);
    let mut next = 0;
    for section in sections.iter_mut() {
        let body = section["body"].as_str().unwrap().to_string();
        let mut out = String::new();
        for (i, part) in body.split(". ").enumerate() {
            if i > 0 {
                let mut keys: Vec<String> = vec![];
                while keys.len() < per_place && next < cited {
                    keys.push(format!("@ref-{}", next * (items / cited)));
                    next += 1;
                }
                if keys.is_empty() {
                    out.push_str(". ");
                } else {
                    out.push_str(&format!(" [{}]. ", keys.join("; ")));
                }
            }
            out.push_str(part);
        }
        section["body"] = toml::Value::String(out);
    }
    assert_eq!(next, cited, "{places} places for {cited} citations");
    table.insert("bibliography".into(), toml::Value::String(file));
    let mut style = toml::Table::new();
    style.insert("citations".into(), "chicago-notes".into());
    table.insert("style".into(), toml::Value::Table(style));
    let path = dir.join(format!("cites-{cited}-of-{items}.toml"));
    std::fs::write(&path, toml::to_string(&table).unwrap()).unwrap();
    path
}

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

/// What `brief check` does for a brief: read it and its files, check them and its citations
/// (formatted once, to find the characters no font has).
fn check(session: &Session, input: &Path) -> Duration {
    let started = Instant::now();
    // Its one warning: the references of the file it cites nowhere.
    let prepared = prepare(session, input);
    assert!(prepared.warnings.len() <= 1, "{:?}", prepared.warnings);
    started.elapsed()
}

/// `input` read and checked, as `brief check` does.
fn prepare(session: &Session, input: &Path) -> Prepared {
    match session.prepare(&Input::File(input.to_path_buf())).1 {
        Ok(prepared) => prepared,
        Err(failure) => panic!(
            "{} does not pass: {:?}",
            input.display(),
            failure.into_diagnostics()
        ),
    }
}

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let session = Session::new(Settings::default(), fonts::load(&[]).unwrap());
    let (small, large) = (brief(dir.path(), 50, 500), brief(dir.path(), 500, 5000));
    let out = dir.path().join("out.pdf");
    build(&session, &small, &out);
    build(&session, &large, &out);

    let (mut ratios, mut small_times, mut large_times, mut checks) =
        (vec![], vec![], vec![], vec![]);
    for round in 0..ROUNDS {
        let (ts, tl) = if round % 2 == 0 {
            let ts = build(&session, &small, &out);
            (ts, build(&session, &large, &out))
        } else {
            let tl = build(&session, &large, &out);
            (build(&session, &small, &out), tl)
        };
        ratios.push(tl.as_secs_f64() / ts.as_secs_f64());
        small_times.push(ts.as_secs_f64());
        large_times.push(tl.as_secs_f64());
        checks.push(check(&session, &large).as_secs_f64() / tl.as_secs_f64());
    }
    let pages = |path: &Path| {
        let prepared = prepare(&session, path);
        let data = session.data(&prepared, Marks::None);
        let laid = session
            .lay_out(&prepared, data, &session.extras(&prepared, None))
            .unwrap();
        laid.document.pages().len()
    };
    // Where the time of the citation work goes, for the larger brief; and the formatting's
    // cost for each reference cited, in both, which must stay flat (linear in the citations).
    let formatting = |path: &Path| {
        let prepared = prepare(&session, path);
        let started = Instant::now();
        let data = session.data(&prepared, Marks::None);
        (started.elapsed(), data)
    };
    let (small_format, _) = formatting(&small);
    let (format, data) = formatting(&large);
    let per_reference = (format.as_secs_f64() / 500.0) / (small_format.as_secs_f64() / 50.0);
    let started = Instant::now();
    let _ = prepare(&session, &large);
    let prepare = started.elapsed();

    let r = median(ratios);
    let c = median(checks);
    println!(
        "500 of 5,000 references / 50 of 500: {r:.2} (median of {ROUNDS} rounds; {:.2} s, {} pages / {:.2} s, {} pages)",
        median(large_times),
        pages(&large),
        median(small_times),
        pages(&small)
    );
    println!(
        "check / pdf of the larger: {c:.3} (reading, checking and formatting {:.0} ms; the data with the citations {:.0} ms, {} bytes)",
        prepare.as_secs_f64() * 1000.0,
        format.as_secs_f64() * 1000.0,
        data.len()
    );
    println!(
        "formatting for each reference cited, 500 of 5,000 / 50 of 500: {per_reference:.2} ({:.1} ms / {:.1} ms)",
        format.as_secs_f64() * 2.0,
        small_format.as_secs_f64() * 20.0
    );
    // The whole brief's ratio is reported, not asserted: the larger prints ten times the
    // references (3.7 times the pages), each formatted by hayagriva at a cost of its own
    // (about 5 ms a reference in Chicago notes), so no build of it can cost 1.5 times the
    // smaller's. What must hold: check stays a fraction of pdf, and formatting stays linear.
    assert!(c < 0.1, "check costs {c:.3} of pdf");
    assert!(
        per_reference <= 1.5,
        "formatting a reference costs {per_reference:.2} times as much among 500 as among 50"
    );
}
