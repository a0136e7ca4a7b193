//! Running briefs through the pipeline: one brief from its file to its PDF (`pipeline`), and
//! many in one process (`batch`), reported as they finish (`report`).

pub mod batch;
pub mod cache;
pub mod copies;
pub mod diff;
pub mod git;
pub mod isolate;
pub mod lsp;
pub mod pictures;
pub mod pipeline;
pub mod preview;
pub mod report;
pub mod runner;
pub mod starter;
pub mod templates;
pub mod typ;
pub mod watch;
pub mod web;
pub mod xmp;
