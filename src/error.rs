//! Plain failures: what goes wrong that is not at a place in a brief. An I/O failure keeps its
//! `io::Error` and the path, and this module alone words it ("failed to write x.pdf (permission
//! denied)"); located problems are `diag::Diagnostic`s instead.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::diag::{self, Diagnostic, Printer};
use crate::exit::Status;

/// A plain failure, printed as one sentence.
#[derive(Debug)]
pub enum Error {
    /// An operation on a file or folder failed.
    Io {
        /// What was being done, as the message says it: "read", "write", "create",
        /// "read font folder".
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    /// A problem said in a sentence: a wrong command line, a template or font that cannot be used.
    Message(String),
    /// Several problems found at once (each reported on its own).
    Several(Vec<Error>),
}

impl Error {
    pub fn io(action: &'static str, path: impl AsRef<Path>, source: io::Error) -> Self {
        Error::Io {
            action,
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    pub fn message(text: impl Into<String>) -> Self {
        Error::Message(text.into())
    }

    /// Whether this is a write to a reader that stopped reading (`brief schema | head -1`):
    /// not a failure of the run, which ends quietly.
    pub fn is_closed_pipe(&self) -> bool {
        match self {
            Error::Io { source, .. } => source.kind() == io::ErrorKind::BrokenPipe,
            Error::Several(errors) => errors.iter().any(Error::is_closed_pipe),
            Error::Message(_) => false,
        }
    }

    /// A wrapper for `map_err`: `.map_err(Error::doing("read", path))`.
    pub fn doing<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> Self + 'a {
        move |source| Error::io(action, path, source)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io {
                action,
                path,
                source,
            } => write!(
                f,
                "failed to {action} {} ({})",
                path.display(),
                reason(source)
            ),
            Error::Message(text) => f.write_str(text),
            Error::Several(errors) => {
                let texts: Vec<String> = errors.iter().map(Error::to_string).collect();
                f.write_str(&texts.join("; "))
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Message(_) | Error::Several(_) => None,
        }
    }
}

impl From<Vec<Error>> for Error {
    /// Every problem of a check that reports them all: one error, or several.
    fn from(mut errors: Vec<Error>) -> Self {
        match errors.len() {
            1 => errors.remove(0),
            _ => Error::Several(errors),
        }
    }
}

impl From<String> for Error {
    fn from(text: String) -> Self {
        Error::Message(text)
    }
}

/// An I/O error with a reason in our own words, for failures the OS would word poorly.
pub fn io_error(kind: io::ErrorKind, reason: impl Into<String>) -> io::Error {
    io::Error::new(kind, OwnReason(reason.into()))
}

#[derive(Debug)]
struct OwnReason(String);

impl fmt::Display for OwnReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OwnReason {}

/// The plain reason of an I/O error, without the "(os error 13)" noise.
pub fn reason(error: &io::Error) -> String {
    use io::ErrorKind::*;
    if let Some(own) = error.get_ref().and_then(|e| e.downcast_ref::<OwnReason>()) {
        return own.0.clone();
    }
    match error.kind() {
        NotFound => "no such file or folder".into(),
        PermissionDenied => "permission denied".into(),
        IsADirectory => "it is a folder".into(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(cut) => text[..cut].to_lowercase(),
                None => text,
            }
        }
    }
}

/// Why a run, or one brief of it, did not succeed: problems located in the brief (exit status
/// 1), a plain failure around it (2), or a bug in brief itself (101). Every command returns
/// one; `cli` prints it in one place and `status` is the one mapping to exit statuses.
#[derive(Debug)]
pub enum Failure {
    Brief(Vec<Diagnostic>),
    Plain(Error),
    /// A panic, caught and described (`internal error while …: … at file:line`).
    Internal(Diagnostic),
}

impl Failure {
    /// The exit status this failure ends a run with.
    pub fn status(&self) -> Status {
        match self {
            Failure::Brief(_) => Status::Invalid,
            Failure::Plain(_) => Status::Usage,
            Failure::Internal(_) => Status::Internal,
        }
    }

    /// Prints the failure's diagnostics, in order, and gives the status it ends a run with.
    pub fn report(self, printer: &Printer) -> Status {
        let status = self.status();
        let mut diagnostics = self.into_diagnostics();
        diag::sort(&mut diagnostics);
        printer.print(&diagnostics);
        status
    }

    /// The message of the failure's first error, for a sentence that says why something that
    /// depended on it could not be done.
    pub fn first_error(self) -> String {
        self.into_diagnostics()
            .into_iter()
            .find(Diagnostic::is_error)
            .map(|d| d.message)
            .unwrap_or_default()
    }

    /// The failure as the diagnostics that report it.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        match self {
            Failure::Brief(diagnostics) => diagnostics,
            Failure::Plain(Error::Several(errors)) => errors.iter().map(Diagnostic::from).collect(),
            Failure::Plain(error) => vec![Diagnostic::from(&error)],
            Failure::Internal(diagnostic) => vec![diagnostic],
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Plain(error)
    }
}

impl From<&Error> for Diagnostic {
    /// A plain failure as a diagnostic with no place, for the printer.
    fn from(error: &Error) -> Self {
        Diagnostic::error(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_name_the_action_the_path_and_the_plain_reason() {
        let error = Error::io(
            "write",
            "out/x.pdf",
            io::Error::from(io::ErrorKind::PermissionDenied),
        );
        assert_eq!(
            error.to_string(),
            "failed to write out/x.pdf (permission denied)"
        );
        let own = io_error(
            io::ErrorKind::IsADirectory,
            "it is a folder, not a brief file",
        );
        assert_eq!(
            Error::io("read", "b", own).to_string(),
            "failed to read b (it is a folder, not a brief file)"
        );
    }
}
