//! Isolation of one brief from the others: a panic while a brief is read, checked or typeset
//! becomes an internal error of that brief, and the run goes on. (Deep recursion cannot be
//! caught; the format's nesting limit keeps it out by design, and workers run on a large stack.)
//! The same catch wraps a whole command, so that a panic anywhere is reported, never silent.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

use crate::diag::Diagnostic;
use crate::error::Failure;

/// The stack each worker thread gets: Typst lays out recursively, and a long, deeply
/// structured paper must not depend on the platform's default thread stack (2 MiB).
pub const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

thread_local! {
    /// Where the last panic on this thread happened, recorded by the hook.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the default panic message on standard error with a record that `catch` turns into
/// a diagnostic; called once by the command line.
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

/// Runs `work`; a panic inside it comes back as `Failure::Internal` instead of ending the
/// process.
pub fn catch<T>(what: &str, work: impl FnOnce() -> T) -> Result<T, Failure> {
    LAST_PANIC.with(|last| last.borrow_mut().take());
    panic::catch_unwind(AssertUnwindSafe(work)).map_err(|payload| {
        let recorded = LAST_PANIC.with(|last| last.borrow_mut().take());
        let detail = recorded.unwrap_or_else(|| payload_text(payload.as_ref()));
        Failure::Internal(internal_error(what, &detail))
    })
}

/// `catch` for work that itself may fail: either way one result.
pub fn catch_result<T>(
    what: &str,
    work: impl FnOnce() -> Result<T, Failure>,
) -> Result<T, Failure> {
    catch(what, work).and_then(|result| result)
}

/// Runs `work` on a thread with a worker's large stack (or, when no such thread can be
/// started, on this one: the format's nesting limit keeps briefs within a normal stack), a
/// panic becoming `Failure::Internal`. Every command that typesets runs its briefs this way.
pub fn on_worker<T: Send>(
    what: &str,
    work: impl FnOnce() -> Result<T, Failure> + Send,
) -> Result<T, Failure> {
    let slot = Mutex::new(Some(work));
    let run = || {
        let work = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
        match work {
            Some(work) => catch_result(what, work),
            None => Err(Failure::Internal(internal_error(
                what,
                "the work was started twice",
            ))),
        }
    };
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new().stack_size(WORKER_STACK_BYTES);
        match worker.spawn_scoped(scope, run) {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| Err(Failure::Internal(internal_error(what, "a panic")))),
            Err(_) => run(),
        }
    })
}

/// Spawns `count` workers with a worker's stack in `scope`, each running `work` (for batches).
pub fn spawn_workers<'scope, 'env>(
    scope: &'scope std::thread::Scope<'scope, 'env>,
    count: usize,
    work: &'scope (dyn Fn() + Sync),
) {
    for _ in 0..count.max(1) {
        let worker = std::thread::Builder::new().stack_size(WORKER_STACK_BYTES);
        if worker.spawn_scoped(scope, work).is_err() {
            scope.spawn(work);
        }
    }
}

fn internal_error(what: &str, detail: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "internal error while {what}: {detail} (please report)"
    ))
    .hint("this is a bug in brief, not in the brief; please report it with the brief attached")
}

/// A panic on purpose where `BRIEF_TEST_PANIC` names `place`, in debug builds only: the tests
/// prove with it that an internal error is reported and cannot pass unseen.
pub fn test_panic(place: &str) {
    if cfg!(debug_assertions) && std::env::var("BRIEF_TEST_PANIC").is_ok_and(|p| p == place) {
        panic!("a panic on purpose at `{place}` (BRIEF_TEST_PANIC)");
    }
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
    fn a_panic_becomes_an_internal_failure() {
        let Err(Failure::Internal(diagnostic)) = catch("testing", || -> u8 { panic!("boom") })
        else {
            panic!("the panic was not caught");
        };
        assert!(
            diagnostic
                .message
                .starts_with("internal error while testing: boom"),
            "{}",
            diagnostic.message
        );
        assert!(diagnostic.message.ends_with("(please report)"));
        assert_eq!(catch("testing", || 7).unwrap(), 7);
    }

    #[test]
    fn a_panic_on_a_worker_comes_back_too() {
        let result: Result<u8, Failure> = on_worker("testing", || panic!("deep"));
        assert!(matches!(result, Err(Failure::Internal(_))));
        assert_eq!(on_worker("testing", || Ok(3)).unwrap(), 3);
    }
}
