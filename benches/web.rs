//! The web edition against the paper: the page of the Belarus brief (`brief html`) and its PDF
//! (`brief pdf`), each a cold build (Typst's memoization cleared before every PDF, as a fresh
//! CI run would find it), and their ratio, which must be 0.25 at most.
//!
//! Then a site of many sample briefs (`brief site`: pages, PDFs, index, feed, sitemap) against
//! the PDFs of the same briefs alone (`brief pdf`), one run each, which must be 1.3
//! at most. `BRIEF_SITE_BRIEFS` sets how many briefs (300 by default).
//!
//! cargo bench --bench web

use std::path::Path;
use std::time::{Duration, Instant};

use brief::brief::sample;
use brief::diag::{DiagnosticFormat, Printer};
use brief::run::batch::Batch;
use brief::run::pipeline::{Session, Settings};
use brief::run::report::Reporter;
use brief::run::runner::{self, Job, Output, Place};
use brief::run::web::{Links, site};
use brief::typeset::fonts;
use criterion::{Criterion, criterion_group, criterion_main};

fn session() -> Session {
    Session::new(Settings::default(), fonts::load(&[]).unwrap())
}

fn belarus(dir: &tempfile::TempDir, extension: &str) -> Job {
    let input = Path::new(env!("CARGO_MANIFEST_DIR")).join("briefs/belarus.toml");
    let output = dir.path().join(format!("belarus.{extension}"));
    let output = match extension {
        "pdf" => Output::Pdf(output),
        _ => Output::Page(Place::File(output), Links::default()),
    };
    Job::of(&input, vec![output])
}

fn pdf(session: &Session, job: &Job) {
    typst::comemo::evict(0);
    let outcome = runner::run(session, job);
    assert_eq!(outcome.status, brief::exit::Status::Success);
}

fn page(session: &Session, job: &Job) {
    let outcome = runner::run(session, job);
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

    // The ratio, from medians of the same runs in one process.
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

/// A site of many briefs against their PDFs alone, cold, on every core.
fn site_against_pdfs(_: &mut Criterion) {
    let count: usize = std::env::var("BRIEF_SITE_BRIEFS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let dir = tempfile::tempdir().unwrap();
    let briefs = dir.path().join("briefs");
    std::fs::create_dir(&briefs).unwrap();
    for i in 0..count {
        std::fs::write(
            briefs.join(format!("brief-{i:04}.toml")),
            sample::variant_text(i, None, None),
        )
        .unwrap();
    }
    let printer = Printer::for_stderr(DiagnosticFormat::Short);
    let inputs = vec![briefs.clone()];

    typst::comemo::evict(0);
    let pdfs = dir.path().join("pdfs");
    std::fs::create_dir(&pdfs).unwrap();
    let jobs = (0..count)
        .map(|i| {
            let name = format!("brief-{i:04}");
            let input = briefs.join(format!("{name}.toml"));
            Job::of(&input, vec![Output::Pdf(pdfs.join(format!("{name}.pdf")))])
        })
        .collect();
    let batch = Batch { jobs, threads };
    let session = session();
    let start = Instant::now();
    let status = batch.run(&session, &Reporter::new(printer, count, true));
    let paper = start.elapsed();
    assert_eq!(status, brief::exit::Status::Success);

    typst::comemo::evict(0);
    let session = self::session();
    let public = dir.path().join("public");
    let start = Instant::now();
    let status = site::build(
        &session,
        &site::Site {
            inputs: &inputs,
            out_dir: &public,
            // The sample briefs are marked "Public".
            publish: &["Public".to_string()],
            // With its address, so that the sitemap is written too.
            base_url: Some("https://example.org/briefs/"),
            title: Some("Briefs"),
            threads: std::num::NonZeroUsize::new(threads),
        },
        &printer,
        true,
    )
    .unwrap();
    let whole = start.elapsed();
    assert_eq!(status, brief::exit::Status::Success);
    let pages = std::fs::read_dir(&public)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "pdf")
        })
        .count();
    assert_eq!(pages, count, "every brief is published");
    let ratio = whole.as_secs_f64() / paper.as_secs_f64();
    println!(
        "site of {count} briefs: {:.1} s, their PDFs alone {:.1} s: the site costs {ratio:.2}x the PDFs (target at most 1.3x)",
        whole.as_secs_f64(),
        paper.as_secs_f64()
    );
    assert!(ratio <= 1.3, "the site costs {ratio:.2}x its PDFs");
}

criterion_group!(benches, web_against_pdf, site_against_pdfs);
criterion_main!(benches);
