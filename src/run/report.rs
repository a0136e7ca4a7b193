//! Every line a run says, from one place: a progress bar on a terminal, one plain line per
//! brief or copy elsewhere, the diagnostics of each as it finishes, a summary, and the `wrote`
//! line of a command that wrote one brief's files. `--quiet` silences every success line.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::diag::{self, Diagnostic, DiagnosticFormat, Printer};
use crate::exit::Status;
use crate::run::pipeline::Made;
use crate::run::runner::{Edit, Job, Outcome};

/// What a run counts: the briefs of a batch, or the numbered copies of one brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Briefs,
    Copies,
}

/// How progress is shown: a bar on a terminal, one plain line per brief otherwise.
pub struct Reporter {
    printer: Printer,
    bar: Option<ProgressBar>,
    /// Whether to give each brief a line as it finishes (a batch); a single brief gets the
    /// one `wrote` line instead.
    lines: bool,
    quiet: bool,
    counted: Counted,
}

impl Reporter {
    pub fn new(printer: Printer, total: usize, quiet: bool) -> Self {
        Self::counting(printer, total, quiet, Counted::Briefs)
    }

    /// A reporter for the copies of one brief, whose number is known only once the list is
    /// read: one plain line per copy.
    pub fn for_copies(printer: Printer, quiet: bool) -> Self {
        Self {
            printer,
            bar: None,
            lines: true,
            quiet,
            counted: Counted::Copies,
        }
    }

    /// A reporter for `brief check`: each brief's problems, and no line for a brief that has
    /// none.
    pub fn for_check(printer: Printer) -> Self {
        Self {
            printer,
            bar: None,
            lines: false,
            quiet: true,
            counted: Counted::Briefs,
        }
    }

    fn counting(printer: Printer, total: usize, quiet: bool, counted: Counted) -> Self {
        let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
        let interactive = std::io::stderr().is_terminal() && !quiet && !in_ci && total > 1;
        let bar = interactive.then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{bar:30}] {pos}/{len} briefs, {elapsed} {wide_msg}",
                )
                .expect("the template is valid")
                .progress_chars("=> "),
            );
            bar
        });
        Self {
            printer,
            bar,
            lines: total > 1,
            quiet,
            counted,
        }
    }

    fn human(&self) -> bool {
        self.printer.format() == DiagnosticFormat::Human
    }

    fn say(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }

    /// A job finished: its diagnostics, then its line (or, on a terminal, a step of the bar).
    /// A job that made several files (copies) gets a line for each.
    pub(crate) fn finished(&self, job: &Job, outcome: &Outcome, elapsed: Duration) {
        let input = job.input.shown();
        let mut diagnostics = vec![];
        for (name, mut group) in groups(job, outcome) {
            diag::sort(&mut group);
            if self.human()
                && outcome.status == Status::Invalid
                && group.iter().any(Diagnostic::is_error)
            {
                let summary = format!("{name} {}: {}", job.failed_words(), diag::tally(&group));
                group.push(Diagnostic::error(summary));
            }
            diagnostics.extend(group);
        }
        let lines: Vec<String> = match self.counted {
            Counted::Copies => outcome
                .written
                .iter()
                .filter(|w| w.path.extension().is_some_and(|e| e == "pdf"))
                .map(|w| built_line(&input, &w.path, w.made, false, w.elapsed))
                .collect(),
            Counted::Briefs => outcome
                .made
                .map(|made| {
                    let output = job.output_path().unwrap_or(Path::new(""));
                    built_line(&input, output, made, outcome.cached, elapsed)
                })
                .into_iter()
                .collect(),
        };
        let failed = outcome.status != Status::Success;
        match &self.bar {
            // The bar counts the briefs that built; only failures get a line of their own.
            Some(bar) => {
                bar.suspend(|| self.printer.print(&diagnostics));
                bar.set_message(input.clone());
                bar.inc(1);
                if failed {
                    self.say(&format!("failed {input}"));
                }
            }
            None => {
                self.printer.print(&diagnostics);
                if !self.human() {
                    return;
                }
                if failed {
                    if self.lines {
                        self.say(&format!("failed {input}"));
                    }
                } else if self.quiet {
                } else if self.lines {
                    lines.iter().for_each(|line| self.say(line));
                } else if let Some(made) = outcome.made {
                    // The job's output (a site's PDF, not its page beside it); pictures each.
                    let files: Vec<PathBuf> = match job.output_path() {
                        Some(output) => vec![output.to_path_buf()],
                        None => outcome.written.iter().map(|w| w.path.clone()).collect(),
                    };
                    self.say(&wrote_line(&files, made, elapsed));
                }
            }
        }
    }

    /// The closing line; `cached` is how many PDFs came from the build cache, when one is used.
    pub(crate) fn summary(
        &self,
        built: usize,
        failed: usize,
        cached: Option<usize>,
        elapsed: Duration,
    ) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if !self.lines || !self.human() || (self.quiet && failed == 0) {
            return;
        }
        let failures = if failed > 0 {
            format!(", {failed} failed")
        } else {
            String::new()
        };
        let total = built + failed;
        let cache = match cached {
            Some(cached) => format!(" ({} typeset, {cached} from the cache)", built - cached),
            None => String::new(),
        };
        let (verb, noun) = match self.counted {
            Counted::Briefs => ("built", if total == 1 { "brief" } else { "briefs" }),
            Counted::Copies => ("made", if total == 1 { "copy" } else { "copies" }),
        };
        self.say(&format!(
            "{verb} {built} of {total} {noun} in {:.2} s{failures}{cache}",
            elapsed.as_secs_f64()
        ));
    }
}

/// Says what a command that wrote one brief's files wrote, unless told to be quiet or the
/// diagnostics are for a machine.
pub fn wrote(printer: &Printer, quiet: bool, line: &str) {
    if !quiet {
        say(printer, line);
    }
}

/// A line for a person reading the run (`watching x.toml`, a build's line), on standard error
/// in the human format only: tools reading JSON or GitHub annotations get the diagnostics alone.
pub fn say(printer: &Printer, line: &str) {
    if printer.format() == DiagnosticFormat::Human {
        eprintln!("{line}");
    }
}

/// A line said whatever the format, on standard error: what the user came for (the preview's
/// address).
pub fn always(line: &str) {
    eprintln!("{line}");
}

/// What a paper made: `9 pages`, or imposed on sheets `3 sheets, 12 pages`.
fn what(made: Made) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match made.sheets {
        Some(sheets) => format!(
            "{}, {}",
            plural(sheets, "sheet", "sheets"),
            plural(made.pages, "page", "pages")
        ),
        None => plural(made.pages, "page", "pages"),
    }
}

/// A job's diagnostics by the brief they are of, each with its name: a redline's older
/// version first, then the newer one (whose group also holds what has no place).
fn groups(job: &Job, outcome: &Outcome) -> Vec<(String, Vec<Diagnostic>)> {
    let mut all = outcome.diagnostics.clone();
    all.extend(outcome.left_out.clone());
    let Edit::Redline { old, .. } = &job.edit else {
        return vec![(job.input.shown(), all)];
    };
    let old = old.shown();
    let (of_old, of_new): (Vec<Diagnostic>, Vec<Diagnostic>) = all
        .into_iter()
        .partition(|d| d.position().is_some_and(|(file, _, _)| file == old));
    vec![(old, of_old), (job.input.shown(), of_new)]
}

/// A batch's line for one brief: `built  x.toml -> x.pdf (9 pages, 0.31 s)`.
fn built_line(input: &str, output: &Path, made: Made, cached: bool, elapsed: Duration) -> String {
    format!(
        "{} {input} -> {} ({}, {:.2} s)",
        if cached { "cached" } else { "built " },
        output.display(),
        what(made),
        elapsed.as_secs_f64()
    )
}

/// The one line a run that wrote files closes with, as cargo says what it did:
/// `wrote briefs/belarus.pdf (9 pages, 0.31 s)`, or for pictures
/// `wrote briefs/belarus-1.png … belarus-9.png (9 pages, 1.20 s)`.
pub fn wrote_line(files: &[PathBuf], made: Made, elapsed: Duration) -> String {
    let files_named = match files {
        [] => "nothing".to_string(),
        [one] => one.display().to_string(),
        [first, .., last] => {
            let last = last.file_name().unwrap_or_default().to_string_lossy();
            format!("{} … {last}", first.display())
        }
    };
    format!(
        "wrote {files_named} ({}, {:.2} s)",
        what(made),
        elapsed.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(pages: usize) -> Made {
        Made {
            pages,
            sheets: None,
        }
    }

    #[test]
    fn the_wrote_line_names_what_was_written() {
        let one = wrote_line(
            &[PathBuf::from("b/x.pdf")],
            pages(1),
            Duration::from_millis(340),
        );
        assert_eq!(one, "wrote b/x.pdf (1 page, 0.34 s)");
        let files = [
            PathBuf::from("out/x-1.png"),
            PathBuf::from("out/x-2.png"),
            PathBuf::from("out/x-3.png"),
        ];
        assert_eq!(
            wrote_line(&files, pages(3), Duration::from_secs(2)),
            "wrote out/x-1.png … x-3.png (3 pages, 2.00 s)"
        );
    }

    #[test]
    fn an_imposed_paper_is_counted_in_sheets() {
        let made = Made {
            pages: 12,
            sheets: Some(3),
        };
        assert_eq!(
            wrote_line(&[PathBuf::from("x.pdf")], made, Duration::from_secs(1)),
            "wrote x.pdf (3 sheets, 12 pages, 1.00 s)"
        );
    }
}
