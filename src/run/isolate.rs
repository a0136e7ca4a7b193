//! Isolation of one brief from the others: a panic while a brief is read, checked or typeset
//! becomes an error of that brief, and the run goes on. (Deep recursion cannot be caught; the
//! format's nesting limit keeps it out by design, and workers run on a large stack.)

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};

use crate::diag::Diagnostic;

/// The stack each worker thread gets: Typst lays out recursively, and a long, deeply
/// structured paper must not depend on the platform's default thread stack (2 MiB).
pub const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

thread_local! {
    /// Where the last panic on this thread happened, recorded by the hook.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the default panic message on standard error with a record that `catch` turns into
/// the brief's diagnostic; called once by the command line.
pub fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        let message = payload_text(info.payload());
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        LAST_PANIC.with(|last| *last.borrow_mut() = Some(format!("{message}{place}")));
    }));
}

/// Runs `work`; a panic inside it comes back as an error diagnostic instead of ending the
/// process.
pub fn catch<T>(what: &str, work: impl FnOnce() -> T) -> Result<T, Diagnostic> {
    LAST_PANIC.with(|last| last.borrow_mut().take());
    panic::catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let recorded = LAST_PANIC.with(|last| last.borrow_mut().take());
        let detail = recorded.unwrap_or_else(|| payload_text(payload.as_ref()));
        Diagnostic::error(format!("internal error while {what}: {detail}")).hint(
            "this is a bug in brief, not in the brief; please report it with the brief attached",
        )
    })
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_a_diagnostic() {
        let diagnostic = catch("testing", || -> u8 { panic!("boom") }).unwrap_err();
        assert!(
            diagnostic
                .message
                .starts_with("internal error while testing: boom"),
            "{}",
            diagnostic.message
        );
        assert_eq!(catch("testing", || 7).unwrap(), 7);
    }
}
