//! Any bytes as a brief and its files (`bundle.rs`): reading and checking them as `brief check`
//! does (the brief's figures' data and pictures, logo and bibliography files included), then
//! building the template's data (citations formatted), must never panic, and every diagnostic
//! must point inside the file it names.

#![no_main]

mod bundle;

use std::sync::LazyLock;

use brief::run::pipeline::{Input, Marks, Session, Settings};
use brief::typeset::{compile, fonts};
use libfuzzer_sys::fuzz_target;

static SESSION: LazyLock<Session> =
    LazyLock::new(|| Session::new(Settings::default(), fonts::load(&[]).expect("embedded fonts")));

fuzz_target!(|bytes: &[u8]| {
    check(bytes);
    // What Typst memoized (the pictures' decoding) is evicted after every input, as a batch
    // evicts it, so that the run's memory stays that of one input.
    compile::evict(4);
});

fn check(bytes: &[u8]) {
    let Some(bundle) = bundle::unpack(bytes) else {
        return;
    };
    SESSION.forget_searches();
    let (_, prepared) = SESSION.prepare(&Input::File(bundle.brief.clone()));
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err(failure) => {
            for diagnostic in failure.into_diagnostics() {
                if let Some(location) = &diagnostic.location {
                    assert!(location.span.start <= location.span.end);
                    assert!(location.span.end <= location.file.text().len());
                    let _ = location.file.line_column(location.span.end);
                }
            }
            return;
        }
    };
    let _ = SESSION.data(&prepared, Marks::None);
}
