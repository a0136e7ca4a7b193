//! Typesetting benchmarks: one brief, a batch of 100 distinct briefs on one and two threads,
//! and long timelines. Typst's memoization is cleared before every iteration, so each one
//! measures a cold build of briefs it has not seen, as a fresh CI run would.
//!
//! cargo bench --bench typeset

use std::path::PathBuf;
use std::time::Duration;

use brief::brief::sample;
use brief::diag::{DiagnosticFormat, Printer};
use brief::run::batch::Batch;
use brief::run::pipeline::{Session, Settings};
use brief::run::report::Reporter;
use brief::run::runner::{Job, Output};
use brief::typeset::fonts;
use brief::typeset::pdf::Standard;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn session() -> Session {
    let settings = Settings {
        template: None,
        paper: None,
        bleed_mm: 0.0,
        booklet: false,
        impose: None,
        standards: vec![Standard::A2b, Standard::Ua1],
        embed_source: false,
        deny_warnings: false,
        root: None,
    };
    Session::new(settings, fonts::load(&[]).unwrap())
}

/// Writes `count` distinct briefs into a fresh folder and plans their PDFs beside them.
fn briefs(
    dir: &tempfile::TempDir,
    count: usize,
    events: Option<usize>,
    actors: Option<usize>,
) -> Vec<Job> {
    (0..count)
        .map(|i| {
            let path: PathBuf = dir.path().join(format!("brief-{i:04}.toml"));
            std::fs::write(&path, sample::variant_text(i, events, actors)).unwrap();
            Job::of(&path, vec![Output::Pdf(path.with_extension("pdf"))])
        })
        .collect()
}

fn run(session: &Session, jobs: &[Job], threads: usize) {
    typst::comemo::evict(0);
    let reporter = Reporter::new(
        Printer::for_stderr(DiagnosticFormat::Short),
        jobs.len(),
        true,
    );
    let batch = Batch {
        jobs: jobs.to_vec(),
        threads,
    };
    let status = batch.run(session, &reporter);
    assert_eq!(status, brief::exit::Status::Success);
}

fn one_brief(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let jobs = briefs(&dir, 1, None, None);
    let session = session();
    c.bench_function("one brief", |b| b.iter(|| run(&session, &jobs, 1)));
}

fn batch_of_100(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let jobs = briefs(&dir, 100, None, None);
    let session = session();
    let mut group = c.benchmark_group("batch of 100");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    for threads in [1, 2] {
        group.bench_with_input(
            BenchmarkId::new("jobs", threads),
            &threads,
            |b, &threads| b.iter(|| run(&session, &jobs, threads)),
        );
    }
    group.finish();
}

fn long_timelines(c: &mut Criterion) {
    let mut group = c.benchmark_group("timeline");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for events in [200, 1000, 2000] {
        let dir = tempfile::tempdir().unwrap();
        let jobs = briefs(&dir, 1, Some(events), Some(300));
        let session = session();
        group.bench_with_input(BenchmarkId::new("events", events), &events, |b, _| {
            b.iter(|| run(&session, &jobs, 1))
        });
    }
    group.finish();
}

criterion_group!(benches, one_brief, batch_of_100, long_timelines);
criterion_main!(benches);
