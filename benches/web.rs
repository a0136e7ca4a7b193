//! The web edition against the paper: the page of the Belarus brief (`brief html`) and its PDF
//! (`brief pdf`), each a cold build (Typst's memoization cleared before every PDF, as a fresh
//! CI run would find it), and their ratio, which the issue puts at 0.25 at most.
//!
//! cargo bench --bench web

use std::path::Path;
use std::time::{Duration, Instant};

use brief::run::pipeline::{Job, Session, Settings};
use brief::run::web;
use brief::typeset::fonts;
use criterion::{Criterion, criterion_group, criterion_main};

fn session() -> Session {
    Session::new(Settings::default(), fonts::load(&[]).unwrap())
}

fn belarus(dir: &tempfile::TempDir, extension: &str) -> Job {
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("briefs/belarus.toml");
    Job {
        input,
        output: dir.path().join(format!("belarus.{extension}")),
    }
}

fn pdf(session: &Session, job: &Job) {
    typst::comemo::evict(0);
    let outcome = session.typeset(&job.input, &job.output);
    assert_eq!(outcome.status, brief::exit::Status::Success);
}

fn page(session: &Session, job: &Job) {
    let outcome = web::write(session, job);
    assert_eq!(outcome.status, brief::exit::Status::Success);
}

/// The median of `runs` timings of `work`.
fn median(runs: usize, mut work: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

fn web_against_pdf(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (pdf_job, page_job) = (belarus(&dir, "pdf"), belarus(&dir, "html"));
    let session = session();
    let mut group = c.benchmark_group("belarus");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("pdf", |b| b.iter(|| pdf(&session, &pdf_job)));
    group.bench_function("html", |b| b.iter(|| page(&session, &page_job)));
    group.finish();

    // The ratio the issue asks for, from medians of the same runs in one process.
    let paper = median(7, || pdf(&session, &pdf_job));
    let web = median(7, || page(&session, &page_job));
    let ratio = web.as_secs_f64() / paper.as_secs_f64();
    println!(
        "belarus: web page {:.1} ms, PDF {:.1} ms: the page costs {ratio:.3}x the PDF (target at most 0.25x)",
        web.as_secs_f64() * 1e3,
        paper.as_secs_f64() * 1e3
    );
    assert!(ratio <= 0.25, "the web page costs {ratio:.3}x its PDF");
}

criterion_group!(benches, web_against_pdf);
criterion_main!(benches);
