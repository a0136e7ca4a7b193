//! The files a brief is typeset with, checked before Typst sees them: the built-in templates
//! and template folders laid over them, the embedded fonts, and the brief's own files (its
//! logo, its figures' data and pictures, its bibliography), each inside the brief's root and of
//! the format its name promises.

pub mod bibliography;
pub mod figures;
pub mod fonts;
pub mod image;
pub mod logo;
pub mod own;
pub mod template;
