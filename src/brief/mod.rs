//! The brief format as data: the model, reading it from TOML with every problem located,
//! checking references, and the rich-text subset. Knows nothing of Typst or the command line.

pub mod bibliography;
pub mod chars;
pub mod csv;
pub mod date;
pub mod diff;
pub mod figure_data;
pub mod format;
pub mod load;
pub mod marking;
pub mod model;
pub mod number;
pub mod recipients;
pub mod richtext;
pub mod sample;
pub mod typography;
pub mod url;
pub mod validate;
