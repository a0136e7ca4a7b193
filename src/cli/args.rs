//! The command line, declared with clap: every subcommand, flag and its help text, and the
//! conversion of clap's values into the plain types of the layers below.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::assets::template::Template;
use crate::brief::model::Paper;
use crate::diag::DiagnosticFormat;
use crate::error::Error;
use crate::run::batch::Shard;
use crate::run::pipeline::{Session, Settings};
use crate::typeset::fonts;
use crate::typeset::impose::Imposition;
use crate::typeset::pdf::{self, Standard};

#[derive(Debug, Args)]
pub struct PdfArgs {
    /// The briefs to typeset: TOML files, or folders searched for `*.toml` briefs.
    #[arg(required = true, value_name = "FILES|DIRS")]
    pub inputs: Vec<PathBuf>,

    /// Where to write the PDF of a single brief [default: the brief's path with `.pdf`].
    #[arg(short, long, value_name = "OUT.pdf", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,

    /// Write one PDF per brief into this folder, named after the brief's file.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// How many briefs to typeset at once [default: the number of cores].
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<NonZeroUsize>,

    /// Build only the K-th of N disjoint shares of the briefs, for a CI matrix of N machines.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,

    /// Print one plain line per brief instead of a progress bar (also when not on a terminal,
    /// or when CI is set); for a single brief, print nothing but its problems.
    #[arg(short, long)]
    pub quiet: bool,

    #[command(flatten)]
    pub standards: StandardArgs,

    /// Attach the brief's TOML to the PDF (PDF/A-3b), so that the data travels with the paper.
    #[arg(long)]
    pub embed_source: bool,

    /// Make a numbered copy of the one brief for each recipient of this list (TOML with
    /// `[[recipients]]`, or CSV with the header `name,organisation,note`) into --out-dir, with
    /// a register `copies.csv` of the copies and their SHA-256.
    #[arg(long, value_name = "LIST", requires = "out_dir", conflicts_with_all = ["output", "shard"])]
    pub recipients: Option<PathBuf>,

    /// Set each recipient's name lightly across every page of their copy (with --recipients).
    #[arg(long, requires = "recipients")]
    pub watermark: bool,

    /// Lay the pages out two to a sheet side for the print room (A4 pages on A3, Letter on
    /// Tabloid): `booklet` in saddle-stitch order, padded to a multiple of four pages; `2up` in
    /// reading order.
    #[arg(long, value_enum, value_name = "LAYOUT")]
    pub impose: Option<ImposeArg>,

    /// Keep each PDF in this folder under a hash of everything that makes it, and copy it from
    /// there instead of typesetting when nothing changed (for CI; made if missing).
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,

    #[command(flatten)]
    pub render: RenderArgs,

    #[command(flatten)]
    pub output_args: OutputArgs,
}

/// How `--impose` lays pages on sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImposeArg {
    /// Saddle-stitch order: fold the printed stack once and staple it into a booklet.
    Booklet,
    /// Two pages side by side in reading order.
    #[value(name = "2up")]
    TwoUp,
}

impl From<ImposeArg> for Imposition {
    fn from(arg: ImposeArg) -> Self {
        match arg {
            ImposeArg::Booklet => Imposition::Booklet,
            ImposeArg::TwoUp => Imposition::TwoUp,
        }
    }
}

#[derive(Debug, Args)]
pub struct TypArgs {
    /// The brief to write out.
    pub input: PathBuf,

    /// The folder to write the project into (created if missing).
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,

    /// Do not print the line that says what was written.
    #[arg(short, long)]
    pub quiet: bool,

    #[command(flatten)]
    pub render: RenderArgs,

    #[command(flatten)]
    pub output_args: OutputArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The briefs to check: TOML files, or folders searched for `*.toml` briefs.
    #[arg(required = true, value_name = "FILES|DIRS")]
    pub inputs: Vec<PathBuf>,

    /// The folder a brief's `template` folder must lie in [default: the brief's own folder].
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// A folder of extra fonts, as for `brief pdf`: a character none of the fonts has is an
    /// error, since the PDF standards refuse it.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,

    #[command(flatten)]
    pub output_args: OutputArgs,
}

/// The PDF standards of a command that writes PDFs (`pdf`, `diff`, `watch`).
#[derive(Debug, Args)]
pub struct StandardArgs {
    /// The PDF standards to conform to, checked when the PDF is written; several may be
    /// combined with commas [default: a-2b,ua-1; a-3b,ua-1 with --embed-source].
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STANDARDS")]
    pub pdf_standard: Vec<StandardArg>,
}

impl StandardArgs {
    /// The standards to check each PDF against: PDF/A-2b and PDF/UA-1 unless told otherwise,
    /// and PDF/A-3b in place of PDF/A-2b when the brief is attached (PDF/A-2 allows no
    /// attachments).
    pub fn standards(&self, embed_source: bool) -> Result<Vec<Standard>, Error> {
        let chosen = &self.pdf_standard;
        let standards: Vec<Standard> = if chosen.is_empty() {
            let archival = if embed_source {
                Standard::A3b
            } else {
                Standard::A2b
            };
            vec![archival, Standard::Ua1]
        } else if chosen.contains(&StandardArg::None) {
            if chosen.len() > 1 {
                return Err(Error::message(
                    "--pdf-standard none cannot be combined with other standards",
                ));
            }
            vec![]
        } else {
            chosen.iter().filter_map(|s| s.standard()).collect()
        };
        if embed_source && let Some(standard) = standards.iter().find(|s| !s.allows_attachments()) {
            return Err(Error::message(format!(
                "--embed-source attaches a file, which {} does not allow; use --pdf-standard a-3b,ua-1",
                standard.name()
            )));
        }
        pdf::check_standards(&standards)?;
        Ok(standards)
    }
}

/// The options every command that typesets a brief takes: what it is typeset with and where
/// its files may come from.
#[derive(Debug, Args)]
pub struct RenderArgs {
    /// A built-in template (`paper`, the two-page `memo`, 16:9 `slides`) or a template folder,
    /// whose files replace the built-in `paper` template's file by file. Overrides the brief's
    /// `template` key.
    #[arg(long, value_name = "NAME|DIR")]
    pub template: Option<String>,

    /// The paper size. Overrides the brief's `paper` key.
    #[arg(long, value_enum)]
    pub paper: Option<PaperArg>,

    /// A folder of extra fonts (searched recursively). The embedded fonts are always available;
    /// system fonts are never used.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,

    /// Add a bleed of this many millimetres on every side, with crop marks, for a print shop.
    #[arg(long, value_name = "MM", value_parser = parse_bleed)]
    pub bleed: Option<f64>,

    /// Pad the paper with blank pages to a multiple of four, for printing as a booklet.
    #[arg(long)]
    pub booklet: bool,

    /// The folder a brief's `template` folder must lie in [default: the brief's own folder].
    /// CI passes the repository's root.
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

impl RenderArgs {
    /// The session of a run: its settings from these arguments (the command line's template
    /// read once, no imposition, nothing attached, the given PDF standards) and its fonts,
    /// loaded once. Subcommands change what they offer beyond this with `configure`.
    pub fn session(
        &self,
        standards: Vec<Standard>,
        output_args: &OutputArgs,
        configure: impl FnOnce(&mut Settings),
    ) -> Result<Session, Error> {
        let mut settings = self.settings(standards, output_args)?;
        configure(&mut settings);
        Ok(Session::new(settings, fonts::load(&self.font_paths)?))
    }

    fn settings(
        &self,
        standards: Vec<Standard>,
        output_args: &OutputArgs,
    ) -> Result<Settings, Error> {
        let template = self
            .template
            .as_deref()
            .map(Template::from_command_line)
            .transpose()?;
        Ok(Settings {
            template,
            paper: self.paper.map(Paper::from),
            bleed_mm: self.bleed.unwrap_or(0.0),
            booklet: self.booklet,
            impose: None,
            standards,
            embed_source: false,
            deny_warnings: output_args.deny_warnings,
            root: self.root.clone(),
        })
    }
}

fn parse_bleed(text: &str) -> Result<f64, String> {
    let mm: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of millimetres"))?;
    if !(0.0..=20.0).contains(&mm) {
        return Err("the bleed must be between 0 and 20 mm".into());
    }
    Ok(mm)
}

/// The PDF standards a paper conforms to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StandardArg {
    /// PDF/A-2b: archival.
    #[value(name = "a-2b")]
    A2b,
    /// PDF/A-2u: archival, with all text extractable as Unicode.
    #[value(name = "a-2u")]
    A2u,
    /// PDF/A-3b: archival, with attached files (see --embed-source).
    #[value(name = "a-3b")]
    A3b,
    /// PDF/A-3u.
    #[value(name = "a-3u")]
    A3u,
    /// PDF/UA-1: tagged and accessible.
    #[value(name = "ua-1")]
    Ua1,
    /// No standard (the PDF is still tagged).
    None,
}

impl StandardArg {
    /// The standard, or `None` for `none`.
    pub fn standard(self) -> Option<Standard> {
        match self {
            StandardArg::A2b => Some(Standard::A2b),
            StandardArg::A2u => Some(Standard::A2u),
            StandardArg::A3b => Some(Standard::A3b),
            StandardArg::A3u => Some(Standard::A3u),
            StandardArg::Ua1 => Some(Standard::Ua1),
            StandardArg::None => None,
        }
    }
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Treat warnings as errors: exit with status 1, and write no PDF, if there are any.
    #[arg(long)]
    pub deny_warnings: bool,

    /// How problems are reported on standard error.
    #[arg(long, value_enum, default_value_t = DiagnosticFormatArg::Human)]
    pub diagnostic_format: DiagnosticFormatArg,
}

/// The names of `diag::DiagnosticFormat` on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiagnosticFormatArg {
    /// A code frame with the problem underlined, as rustc and typst print.
    Human,
    /// One line each: `file:line:column: severity: message`.
    Short,
    /// One JSON object per line, for tools.
    Json,
    /// GitHub Actions workflow commands, which annotate the pull request.
    Github,
}

impl From<DiagnosticFormatArg> for DiagnosticFormat {
    fn from(format: DiagnosticFormatArg) -> Self {
        match format {
            DiagnosticFormatArg::Human => DiagnosticFormat::Human,
            DiagnosticFormatArg::Short => DiagnosticFormat::Short,
            DiagnosticFormatArg::Json => DiagnosticFormat::Json,
            DiagnosticFormatArg::Github => DiagnosticFormat::Github,
        }
    }
}

/// The paper sizes, by their names on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PaperArg {
    A4,
    UsLetter,
}

impl From<PaperArg> for Paper {
    fn from(paper: PaperArg) -> Self {
        match paper {
            PaperArg::A4 => Paper::A4,
            PaperArg::UsLetter => Paper::UsLetter,
        }
    }
}
