//! Running briefs through the pipeline: one brief from its file to its PDF (`pipeline`), and
//! many in one process (`batch`), reported as they finish (`report`).

pub mod batch;
pub mod eject;
pub mod isolate;
pub mod pictures;
pub mod pipeline;
pub mod preview;
pub mod report;
pub mod starter;
pub mod templates;
pub mod watch;
