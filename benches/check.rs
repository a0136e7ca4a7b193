//! Checking benchmarks: load and validate briefs of 1,000, 10,000 and 100,000 actors, each in
//! a timeline event, from memory. Checking does work in proportion to the size of the brief,
//! so ten times the actors should take about ten times as long (a little more once the brief
//! no longer fits the processor's caches).
//!
//! cargo bench --bench check

use std::sync::Arc;
use std::time::Duration;

use brief::brief::{load, sample};
use brief::source::SourceFile;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// The allocator of the `brief` binary, so that the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The example brief with `actors` actors and as many events, each naming two actors, so that
/// every actor takes part in one and no warning is raised.
fn brief_with(actors: usize) -> Arc<SourceFile> {
    let text = sample::variant_text(0, Some(actors), Some(actors));
    SourceFile::new(format!("actors-{actors}.toml"), text)
}

fn check(file: &Arc<SourceFile>) -> usize {
    let (brief, diagnostics) = load::load(file);
    assert!(
        diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        diagnostics.first()
    );
    brief.expect("the brief loads").actors.len()
}

fn many_actors(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for actors in [1_000, 10_000, 100_000] {
        let file = brief_with(actors);
        assert_eq!(check(&file), actors);
        group.throughput(Throughput::Elements(actors as u64));
        group.bench_with_input(BenchmarkId::new("actors", actors), &file, |b, file| {
            b.iter(|| check(file))
        });
    }
    group.finish();
}

criterion_group!(benches, many_actors);
criterion_main!(benches);
