//! `brief`: policy briefs written as TOML, typeset into print-ready PDF papers with an embedded
//! Typst. The pipeline: read (`input`) -> load and check (`load`, `validate`) -> the template's
//! data (`document`) -> compile (`world`, `render`) -> export (`export`).

pub mod args;
pub mod batch;
pub mod check;
pub mod compile;
pub mod date;
pub mod diag;
pub mod document;
pub mod exit;
pub mod export;
pub mod fonts;
pub mod input;
pub mod load;
pub mod model;
pub mod pdf;
pub mod render;
pub mod richtext;
pub mod sample;
pub mod source;
pub mod template;
pub mod typ;
pub mod typography;
pub mod validate;
pub mod world;
