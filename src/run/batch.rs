//! Many briefs in one process, set up once for every command that takes them (`pdf`, `html`,
//! `site`, `check`, `watch`'s first build): finding them, sharding them for a CI matrix,
//! planning where each one's output goes, protecting the inputs, checking every output before
//! any work; then one pool of workers that runs each job through the runner.

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::diag::Printer;
use crate::error::Error;
use crate::exit::Status;
use crate::fs;
use crate::run::isolate;
use crate::run::pipeline::Session;
use crate::run::report::Reporter;
use crate::run::runner::{self, Job, Outcome, Output};
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
fn check_outputs(jobs: &[Job], protected: &[PathBuf]) -> Result<(), Error> {
    let mut protected = protected.to_vec();
    protected.extend(jobs.iter().map(|job| job.input.path().to_path_buf()));
    for job in jobs {
        for output in job.outputs.iter().flat_map(Output::files) {
            fs::check_output(&output, &protected)?;
        }
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

/// What a command asks of a batch: which briefs, and where their outputs go.
pub struct Request<'a> {
    /// Files, and folders searched for `*.toml`.
    pub inputs: &'a [PathBuf],
    /// `-o`: the one output of a single brief.
    pub output: Option<&'a Path>,
    /// `--out-dir`: one output per brief, named after its file.
    pub out_dir: Option<&'a Path>,
    pub shard: Option<Shard>,
    /// `--jobs` [default: the number of cores].
    pub threads: Option<NonZeroUsize>,
    /// The outputs' extension (`pdf`, `html`) and what one is called in messages ("PDF",
    /// "page"); `None` for a batch that writes nothing (`check`).
    pub kind: Option<(&'a str, &'a str)>,
}

/// A batch, set up: its jobs and how many workers run them.
pub struct Batch {
    pub jobs: Vec<Job>,
    pub threads: usize,
}

impl Batch {
    /// Sets up a batch: the briefs found and sharded, each one's output planned (`-o` for a
    /// single brief, else `--out-dir/STEM.EXT`, else beside the brief), every output checked
    /// before any work never to replace a brief of the run (in any shard) or a template file
    /// of the command line's, the output folder made. `outputs` turns a brief's planned output
    /// path into what its job makes.
    pub fn plan(
        session: &Session,
        request: &Request<'_>,
        outputs: impl Fn(&Path, PathBuf) -> Vec<Output>,
    ) -> Result<Batch, Error> {
        let all = collect(request.inputs)?;
        let briefs = shard(all.clone(), request.shard);
        if briefs.is_empty() {
            return Err(none_found(request.inputs));
        }
        let jobs = match request.kind {
            Some((extension, noun)) => {
                let paths = plan_as(&briefs, request.output, request.out_dir, extension, noun)?;
                let jobs: Vec<Job> = paths
                    .into_iter()
                    .map(|(input, output)| Job::of(&input, outputs(&input, output)))
                    .collect();
                let mut protected = all;
                if let Some(template) = &session.settings().template {
                    protected.extend(template.disk_files().map(Path::to_path_buf));
                }
                check_outputs(&jobs, &protected)?;
                if let Some(dir) = request.out_dir {
                    fs::create_dir_all(dir)?;
                }
                jobs
            }
            None => briefs.iter().map(|input| Job::of(input, vec![])).collect(),
        };
        Ok(Batch {
            jobs,
            threads: threads(request.threads),
        })
    }

    /// Runs every job through the runner on the batch's workers, reporting each as it
    /// finishes. A failing brief does not stop the others; the status is the worst of all.
    pub fn run(&self, session: &Session, reporter: &Reporter) -> Status {
        self.run_each(session, reporter, &|job| runner::run(session, job))
    }

    /// `run`, with `each` running a job (the runner, and what the command keeps of its
    /// outcome: a site's entries).
    pub fn run_each(
        &self,
        session: &Session,
        reporter: &Reporter,
        each: &(dyn Fn(&Job) -> Outcome + Sync),
    ) -> Status {
        let jobs = &self.jobs;
        let start = Instant::now();
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<(Status, bool)>> = Mutex::new(Vec::with_capacity(jobs.len()));
        // Typst's memoization keeps results for reuse across briefs; entries unused for this
        // many briefs are dropped, so memory stays flat over long batches.
        let max_age = 4 * self.threads.max(1);
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
            isolate::spawn_workers(scope, self.threads.clamp(1, jobs.len().max(1)), &work);
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
}

/// Runs one job and reports it as a command of one brief does: its problems, then the line
/// that says what was written (unless `quiet`). Its outcome.
pub fn run_one(session: &Session, job: &Job, printer: &Printer, quiet: bool) -> Outcome {
    let reporter = Reporter::new(*printer, 1, quiet);
    let started = Instant::now();
    let outcome = runner::run(session, job);
    reporter.finished(job, &outcome, started.elapsed());
    outcome
}

/// How many workers a batch runs: `--jobs`, or one per core.
pub fn threads(jobs: Option<NonZeroUsize>) -> usize {
    jobs.map(|n| n.get())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Where each brief's output goes: `-o` for a single brief, else `--out-dir/STEM.EXTENSION`,
/// else beside the brief. Two briefs may not claim the same output.
fn plan_as(
    briefs: &[PathBuf],
    output: Option<&Path>,
    out_dir: Option<&Path>,
    extension: &str,
    noun: &str,
) -> Result<Vec<(PathBuf, PathBuf)>, Error> {
    if let Some(output) = output {
        return match briefs {
            [single] => Ok(vec![(single.clone(), output.to_path_buf())]),
            _ => Err(Error::message(format!(
                "-o names one {noun} but there are {} briefs; use --out-dir for several",
                briefs.len()
            ))),
        };
    }
    let planned: Vec<(PathBuf, PathBuf)> = briefs
        .iter()
        .map(|input| {
            let output = match out_dir {
                // The brief's whole stem: `report.v2.toml` makes `report.v2.pdf`.
                Some(dir) => {
                    let mut name = input.file_stem().unwrap_or_default().to_os_string();
                    name.push(format!(".{extension}"));
                    dir.join(name)
                }
                None => input.with_extension(extension),
            };
            (input.clone(), output)
        })
        .collect();
    let mut claimed: HashMap<&Path, &Path> = HashMap::new();
    for (input, output) in &planned {
        if let Some(other) = claimed.insert(output, input) {
            return Err(Error::message(format!(
                "{} and {} would both be written to {}",
                other.display(),
                input.display(),
                output.display()
            )));
        }
    }
    Ok(planned)
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
        let plan = |briefs: &[&str], output: Option<&str>, out_dir: Option<&str>| {
            plan_as(
                &paths(briefs),
                output.map(Path::new),
                out_dir.map(Path::new),
                "pdf",
                "PDF",
            )
        };
        let planned = plan(&["a/x.toml", "b/y.toml"], None, Some("out")).unwrap();
        assert_eq!(planned[1].1, PathBuf::from("out/y.pdf"));
        let dotted = plan(&["a/report.v2.toml"], None, Some("out")).unwrap();
        assert_eq!(dotted[0].1, PathBuf::from("out/report.v2.pdf"));
        let beside = plan(&["a/x.toml"], None, None).unwrap();
        assert_eq!(beside[0].1, PathBuf::from("a/x.pdf"));
        assert!(plan(&["a/x.toml", "b/x.toml"], None, Some("out")).is_err());
        assert!(plan(&["a/x.toml", "b/y.toml"], Some("o.pdf"), None).is_err());
    }
}
