//! Reporting a run as it goes: a progress bar on a terminal, one plain line per brief
//! elsewhere, the diagnostics of each brief as it finishes, and a summary line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::diag::{self, Diagnostic, DiagnosticFormat, Printer};
use crate::exit::Status;
use crate::run::pipeline::{Job, Outcome};

/// How progress is shown: a bar on a terminal, one plain line per brief otherwise.
pub struct Reporter {
    printer: Printer,
    bar: Option<ProgressBar>,
    /// Whether to give each brief a line as it finishes (a batch); a single brief gets the
    /// one line of `wrote_line` instead.
    lines: bool,
    quiet: bool,
}

impl Reporter {
    pub fn new(printer: Printer, total: usize, quiet: bool) -> Self {
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
        }
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
        let human = self.printer.format() == DiagnosticFormat::Human;
        if human && outcome.status == Status::Invalid {
            let summary = format!(
                "{} was not typeset: {}",
                job.input.display(),
                diag::tally(&diagnostics)
            );
            diagnostics.push(Diagnostic::error(summary));
        }
        let line = match outcome.pages {
            Some(pages) => format!(
                "{} {} -> {} ({pages} page{}, {:.2} s)",
                if outcome.cached { "cached" } else { "built " },
                job.input.display(),
                job.output.display(),
                if pages == 1 { "" } else { "s" },
                elapsed.as_secs_f64()
            ),
            None => format!("failed {}", job.input.display()),
        };
        match &self.bar {
            // The bar counts the briefs that built; only failures get a line of their own.
            Some(bar) => {
                bar.suspend(|| self.printer.print(&diagnostics));
                bar.set_message(job.input.display().to_string());
                bar.inc(1);
                if outcome.pages.is_none() {
                    self.say(&line);
                }
            }
            None => {
                self.printer.print(&diagnostics);
                if self.lines && human {
                    self.say(&line);
                } else if human
                    && !self.quiet
                    && let Some(pages) = outcome.pages
                {
                    self.say(&wrote_line(
                        std::slice::from_ref(&job.output),
                        pages,
                        elapsed,
                    ));
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
        if self.lines && self.printer.format() == DiagnosticFormat::Human {
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
            self.say(&format!(
                "built {built} of {total} briefs in {:.2} s{failures}{cache}",
                elapsed.as_secs_f64()
            ));
        }
    }
}

/// The one line a run that wrote files closes with, as cargo says what it did:
/// `wrote briefs/belarus.pdf (9 pages, 0.31 s)`, or for pictures
/// `wrote briefs/belarus-1.png … belarus-9.png (9 pages, 1.20 s)`.
pub fn wrote_line(files: &[PathBuf], pages: usize, elapsed: Duration) -> String {
    let what = match files {
        [] => "nothing".to_string(),
        [one] => one.display().to_string(),
        [first, .., last] => {
            let last = last.file_name().unwrap_or_default().to_string_lossy();
            format!("{} … {last}", first.display())
        }
    };
    format!(
        "wrote {what} ({pages} page{}, {:.2} s)",
        if pages == 1 { "" } else { "s" },
        elapsed.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wrote_line_names_what_was_written() {
        let one = wrote_line(&[PathBuf::from("b/x.pdf")], 1, Duration::from_millis(340));
        assert_eq!(one, "wrote b/x.pdf (1 page, 0.34 s)");
        let files = [
            PathBuf::from("out/x-1.png"),
            PathBuf::from("out/x-2.png"),
            PathBuf::from("out/x-3.png"),
        ];
        assert_eq!(
            wrote_line(&files, 3, Duration::from_secs(2)),
            "wrote out/x-1.png … x-3.png (3 pages, 2.00 s)"
        );
    }
}
