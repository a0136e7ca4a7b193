//! The documented exit statuses.

use std::process::ExitCode;

/// 0: everything built; 1: a brief is invalid or failed to compile; 2: wrong usage or an
/// I/O problem. Ordered so that the worst status of a run wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Success = 0,
    Invalid = 1,
    Usage = 2,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> Self {
        ExitCode::from(status as u8)
    }
}
