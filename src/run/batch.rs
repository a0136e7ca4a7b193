//! Many briefs in one process: finding them, sharding them for a CI matrix, planning where
//! each PDF goes, and typesetting them in parallel.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::error::Error;
use crate::exit::Status;
use crate::fs;
use crate::run::isolate;
use crate::run::pipeline::{Job, Outcome, Session};
use crate::run::report::Reporter;
use crate::typeset::compile;

/// `K/N`: the K-th (1-based) of N disjoint shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (k, n) = text
            .split_once('/')
            .ok_or("write the shard as K/N, for example 2/4")?;
        let index: usize = k
            .trim()
            .parse()
            .map_err(|_| format!("`{k}` is not a shard number"))?;
        let count: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a shard count"))?;
        if count == 0 || index == 0 || index > count {
            return Err(format!(
                "shard {index}/{count} does not exist: K runs from 1 to N"
            ));
        }
        Ok(Shard { index, count })
    }
}

/// Expands files and folders into the briefs to build: folders are searched (recursively,
/// skipping hidden folders) for `*.toml`. Sorted by path, without repeats, so that every
/// machine sees the same list; finding none is an error.
pub fn collect(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut briefs = vec![];
    for input in inputs {
        if input.is_dir() {
            let found = fs::find_files(input, true, &|path| {
                path.extension().is_some_and(|e| e == "toml")
            })?;
            briefs.extend(found);
        } else {
            // A missing file is reported when its turn comes, like any unreadable brief.
            briefs.push(input.clone());
        }
    }
    briefs.sort();
    briefs.dedup();
    if briefs.is_empty() {
        return Err(none_found(inputs));
    }
    Ok(briefs)
}

/// The error for a search that found no brief.
pub fn none_found(inputs: &[PathBuf]) -> Error {
    let searched: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    Error::message(format!(
        "no briefs (*.toml) found in {}",
        searched.join(", ")
    ))
}

/// Checks every output before any work: none may be one of `protected` (the briefs, the
/// template files) or anything but a regular file.
pub fn check_outputs(jobs: &[Job], protected: &[PathBuf]) -> Result<(), Error> {
    let mut protected = protected.to_vec();
    protected.extend(jobs.iter().map(|job| job.input.clone()));
    for job in jobs {
        fs::check_output(&job.output, &protected)?;
    }
    Ok(())
}

/// The briefs of one shard: every N-th brief of the sorted list, starting at the K-th. The
/// shares are disjoint, cover every brief, and differ in size by at most one.
pub fn shard(briefs: Vec<PathBuf>, shard: Option<Shard>) -> Vec<PathBuf> {
    match shard {
        None => briefs,
        Some(Shard { index, count }) => briefs.into_iter().skip(index - 1).step_by(count).collect(),
    }
}

/// Where each brief's PDF goes: `-o` for a single brief, else `--out-dir/STEM.pdf`, else
/// beside the brief. Two briefs may not claim the same PDF.
pub fn plan(
    briefs: Vec<PathBuf>,
    output: Option<&Path>,
    out_dir: Option<&Path>,
) -> Result<Vec<Job>, Error> {
    plan_as(briefs, output, out_dir, "pdf", "PDF")
}

/// `plan` for another kind of output (`html`, "page"): `--out-dir/STEM.EXTENSION`, else beside
/// the brief.
pub fn plan_as(
    briefs: Vec<PathBuf>,
    output: Option<&Path>,
    out_dir: Option<&Path>,
    extension: &str,
    noun: &str,
) -> Result<Vec<Job>, Error> {
    if let Some(output) = output {
        return match briefs.as_slice() {
            [single] => Ok(vec![Job {
                input: single.clone(),
                output: output.to_path_buf(),
            }]),
            _ => Err(Error::message(format!(
                "-o names one {noun} but there are {} briefs; use --out-dir for several",
                briefs.len()
            ))),
        };
    }
    let jobs: Vec<Job> = briefs
        .into_iter()
        .map(|input| {
            let output = match out_dir {
                Some(dir) => dir.join(
                    Path::new(input.file_stem().unwrap_or_default()).with_extension(extension),
                ),
                None => input.with_extension(extension),
            };
            Job { input, output }
        })
        .collect();
    let mut claimed: HashMap<&Path, &Path> = HashMap::new();
    for job in &jobs {
        if let Some(other) = claimed.insert(&job.output, &job.input) {
            return Err(Error::message(format!(
                "{} and {} would both be written to {}",
                other.display(),
                job.input.display(),
                job.output.display()
            )));
        }
    }
    Ok(jobs)
}

/// Typesets every job on `threads` threads. A failing brief does not stop the others; the
/// status is the worst of all briefs.
pub fn run(session: &Session, jobs: &[Job], threads: usize, reporter: &Reporter) -> Status {
    run_each(session, jobs, threads, reporter, &|job| {
        session.typeset(&job.input, &job.output)
    })
}

/// `run` with other work than typesetting a PDF for each job (a web page): the same threads,
/// reports and statuses.
pub fn run_each(
    session: &Session,
    jobs: &[Job],
    threads: usize,
    reporter: &Reporter,
    each: &(dyn Fn(&Job) -> Outcome + Sync),
) -> Status {
    let start = Instant::now();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(Status, bool)>> = Mutex::new(Vec::with_capacity(jobs.len()));
    // Typst's memoization keeps results for reuse across briefs; entries unused for this many
    // briefs are dropped, so memory stays flat over long batches.
    let max_age = 4 * threads.max(1);
    let work = || {
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else { break };
            let began = Instant::now();
            let outcome = each(job);
            compile::evict(max_age);
            reporter.finished(job, &outcome, began.elapsed());
            results
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((outcome.status, outcome.cached));
        }
    };
    std::thread::scope(|scope| {
        isolate::spawn_workers(scope, threads.clamp(1, jobs.len().max(1)), &work);
    });
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    let failed = results
        .iter()
        .filter(|(s, _)| *s != Status::Success)
        .count();
    let cached = session
        .uses_cache()
        .then(|| results.iter().filter(|(_, cached)| *cached).count());
    reporter.summary(results.len() - failed, failed, cached, start.elapsed());
    results
        .into_iter()
        .map(|(status, _)| status)
        .max()
        .unwrap_or(Status::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(names: &[&str]) -> Vec<PathBuf> {
        names.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn shards_are_disjoint_and_cover_everything() {
        let briefs: Vec<PathBuf> = (0..11)
            .map(|i| PathBuf::from(format!("b{i:02}.toml")))
            .collect();
        let mut seen = vec![];
        for index in 1..=3 {
            let share = shard(briefs.clone(), Some(Shard { index, count: 3 }));
            assert!((3..=4).contains(&share.len()));
            seen.extend(share);
        }
        seen.sort();
        assert_eq!(seen, briefs);
    }

    #[test]
    fn shard_syntax() {
        assert_eq!("2/4".parse::<Shard>(), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "x/2", "3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn outputs_follow_the_options_and_never_collide() {
        let jobs = plan(
            paths(&["a/x.toml", "b/y.toml"]),
            None,
            Some(Path::new("out")),
        )
        .unwrap();
        assert_eq!(jobs[1].output, PathBuf::from("out/y.pdf"));
        let beside = plan(paths(&["a/x.toml"]), None, None).unwrap();
        assert_eq!(beside[0].output, PathBuf::from("a/x.pdf"));
        assert!(
            plan(
                paths(&["a/x.toml", "b/x.toml"]),
                None,
                Some(Path::new("out"))
            )
            .is_err()
        );
        assert!(
            plan(
                paths(&["a/x.toml", "b/y.toml"]),
                Some(Path::new("o.pdf")),
                None
            )
            .is_err()
        );
    }
}
