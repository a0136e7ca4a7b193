//! Typesetting with Typst: the in-memory world of one brief (its data, templates and fonts),
//! compiling, PDF export, imposition, pictures and speaker notes. Every use of the Typst API
//! stays here; what the world serves (the template's data, the brief's files) is made below.

pub mod compile;
pub mod copy;
pub mod decode;
pub mod fonts;
pub mod impose;
pub mod notes;
pub mod pdf;
pub mod render;
pub mod tables;
pub mod world;

/// The version of the Typst crates brief is built with, as the build knows it (part of every
/// cache key, and of `brief --version`).
pub fn typst_version() -> &'static str {
    typst::utils::version().raw()
}
