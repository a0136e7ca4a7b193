//! From a checked brief to PDF bytes: the data a template reads, the templates and fonts, the
//! in-memory Typst world, compiling and PDF export. Every use of the Typst API stays here.

pub mod chart;
pub mod compile;
pub mod copy;
pub mod coverage;
pub mod data;
pub mod figures;
pub mod fonts;
pub mod image;
pub mod impose;
pub mod logo;
pub mod metadata;
pub mod notes;
pub mod pdf;
pub mod qr;
pub mod redline;
pub mod render;
pub mod template;
pub mod world;

/// The version of the Typst crates brief is built with, as the build knows it (part of every
/// cache key, and of `brief --version`).
pub fn typst_version() -> &'static str {
    typst::utils::version().raw()
}
