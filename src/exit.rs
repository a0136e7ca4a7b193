//! The documented exit statuses.

use std::process::ExitCode;

/// 0: everything built; 1: a brief is invalid or failed to compile; 2: wrong usage or an
/// I/O problem; 101: an internal error (a bug in brief), as Rust programs end on a panic.
/// Ordered so that the worst status of a run wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Success = 0,
    Invalid = 1,
    Usage = 2,
    /// A bug in brief, reported as `internal error: … (please report)`.
    Internal = 101,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(status as u8)
    }
}
