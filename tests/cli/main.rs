//! The integration tests, one binary with a module per feature (as `just` and mdBook lay
//! theirs out): most run the real `brief` binary in a fresh folder and read back what it wrote.
//!
//! Run one feature with a filter on its module, e.g. `cargo test --test cli diagnostics::`.

mod archive;
mod base;
mod batch;
mod cache;
mod citations;
mod copies;
mod diagnostics;
mod diff;
mod figure_pages;
mod figures;
mod impose;
mod internal;
mod languages;
mod lsp;
mod marking;
mod pages;
mod pdf;
mod policy;
mod preview;
mod redline;

mod robustness;
mod safety;
mod schema;
mod seams;
mod shapes;
mod site;
mod stdout;
mod style;
mod support;
mod templates;
mod tools;
mod watch;
mod web;
mod writing;
