//! `brief`: policy briefs written as TOML, typeset into print-ready PDF papers with an embedded
//! Typst.
//!
//! The layers, each importing only from those below it:
//! - `cli`: the command line (clap) and one module per subcommand;
//! - `run`: one brief's pipeline, and batches of briefs;
//! - `typeset`: the Typst world, compiling, PDF export, pictures; the only layer that uses Typst;
//! - `compose`: what a checked brief becomes for its template: the data, a redline's marks;
//! - `assets`: the templates and the brief's own files (logo, figures), checked;
//! - `brief`: the format as data: model, loading, validation, rich text;
//! - beside them: `source` (files diagnostics point into), `diag` (located problems and their
//!   printing), `error` (plain failures), `fs` (files and folders), `exit` (exit statuses).
//!
//! `docs/architecture.md` follows one brief through them.

pub mod assets;
pub mod brief;
pub mod cli;
pub mod compose;
pub mod diag;
pub mod error;
pub mod exit;
pub mod fs;
pub mod run;
pub mod source;
pub mod typeset;
