//! `brief`: policy briefs written as TOML, typeset into print-ready PDF papers with an embedded
//! Typst.
//!
//! The layers, each importing only from those below it:
//! - `cli`: the command line (clap) and one module per subcommand;
//! - `run`: one brief's pipeline, and batches of briefs;
//! - `typeset`: from a checked brief to PDF bytes; the only layer that uses Typst;
//! - `brief`: the format as data: model, loading, validation, rich text;
//! - beside them: `source` (files diagnostics point into), `diag` (located problems and their
//!   printing), `error` (plain failures), `fs` (files and folders), `exit` (exit statuses).
//!
//! `docs/architecture.md` follows one brief through them.

pub mod brief;
pub mod cli;
pub mod diag;
pub mod error;
pub mod exit;
pub mod fs;
pub mod run;
pub mod source;
pub mod typeset;
