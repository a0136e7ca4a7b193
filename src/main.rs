//! The `brief` command: everything happens in `brief::cli`.

use std::process::ExitCode;

/// Typst allocates heavily; mimalloc typesets a brief measurably faster than the system
/// allocator (see `scripts/compare.py`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    brief::cli::main()
}
