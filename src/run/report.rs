//! Every line a run says, from one place: a progress bar on a terminal, one plain line per
//! brief or copy elsewhere, the diagnostics of each as it finishes, a summary, and the `wrote`
//! line of a command that wrote one brief's files. `--quiet` silences every success line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::diag::{self, Diagnostic, DiagnosticFormat, Printer};
use crate::exit::Status;
use crate::run::pipeline::{Job, Made, Outcome};

/// What a command wrote for one brief: its files, what they hold, and the warnings met.
pub struct Written {
    pub files: Vec<PathBuf>,
    pub made: Made,
    pub warnings: Vec<Diagnostic>,
}

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

    pub(crate) fn finished(&self, job: &Job, outcome: &Outcome, elapsed: Duration) {
        let mut diagnostics = outcome.diagnostics.clone();
        diag::sort(&mut diagnostics);
        if self.human() && outcome.status == Status::Invalid {
            let summary = format!(
                "{} was not typeset: {}",
                job.input.display(),
                diag::tally(&diagnostics)
            );
            diagnostics.push(Diagnostic::error(summary));
        }
        let line = outcome.made.map(|made| {
            format!(
                "{} {} -> {} ({}, {:.2} s)",
                if outcome.cached { "cached" } else { "built " },
                job.input.display(),
                job.output.display(),
                what(made),
                elapsed.as_secs_f64()
            )
        });
        match &self.bar {
            // The bar counts the briefs that built; only failures get a line of their own.
            Some(bar) => {
                bar.suspend(|| self.printer.print(&diagnostics));
                bar.set_message(job.input.display().to_string());
                bar.inc(1);
                if line.is_none() {
                    self.say(&format!("failed {}", job.input.display()));
                }
            }
            None => {
                self.printer.print(&diagnostics);
                if !self.human() {
                    return;
                }
                match (line, self.lines) {
                    (None, true) => self.say(&format!("failed {}", job.input.display())),
                    (None, false) => {}
                    (Some(line), true) if !self.quiet => self.say(&line),
                    (Some(_), false) if !self.quiet => {
                        let made = outcome.made.expect("a line means something was made");
                        self.say(&wrote_line(
                            std::slice::from_ref(&job.output),
                            made,
                            elapsed,
                        ));
                    }
                    (Some(_), _) => {}
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
    if !quiet && printer.format() == DiagnosticFormat::Human {
        eprintln!("{line}");
    }
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
