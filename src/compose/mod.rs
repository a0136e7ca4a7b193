//! What a checked brief is composed into for its template: the data at `/brief.json` (notes
//! numbered, actors grouped, figures counted, chart scales, citations in the brief's citation
//! style), a redline's marks, the QR code of
//! its address, and the characters its fonts must cover. Plain data; no Typst.

pub mod chart;
pub mod cite;
pub mod coverage;
pub mod data;
pub mod qr;
pub mod redline;
