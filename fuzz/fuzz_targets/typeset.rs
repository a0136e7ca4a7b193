//! Any bytes as a brief and its files (`bundle.rs`), all the way through the pipeline `brief
//! pdf` uses: a brief that `brief check` accepts, with its figures' data and pictures, logo and
//! bibliography, must typeset and export to a conforming PDF (PDF/A-2b, PDF/UA-1) without a
//! panic, within the time and memory budget libFuzzer is given (`-timeout=20
//! -rss_limit_mb=4096`, see docs/testing.md).

#![no_main]

mod bundle;

use std::sync::LazyLock;

use brief::assets::template::{self, Template};
use brief::run::pipeline::{Input, Marks, Session, Settings};
use brief::typeset::{compile, fonts};
use libfuzzer_sys::fuzz_target;

/// The default settings, with the built-in template whatever a brief's `template` key says, so
/// that no template folder takes part.
static SESSION: LazyLock<Session> = LazyLock::new(|| {
    let settings = Settings {
        template: Template::built_in(template::DEFAULT),
        ..Settings::default()
    };
    Session::new(settings, fonts::load(&[]).expect("embedded fonts"))
});

fuzz_target!(|bytes: &[u8]| {
    typeset(bytes);
    // What Typst memoized (decoding, layout) is evicted after every input, typeset or refused,
    // as a batch evicts it, so that the run's memory stays that of one input.
    compile::evict(4);
});

fn typeset(bytes: &[u8]) {
    let Some(bundle) = bundle::unpack(bytes) else {
        return;
    };
    // Each input's folder is its own: nothing searched beside another's is kept.
    SESSION.forget_searches();
    // What `brief check` refuses is not typeset, as in `brief pdf`.
    let Ok(prepared) = SESSION.prepare(&Input::File(bundle.brief.clone())).1 else {
        return;
    };
    let data = SESSION.data(&prepared, Marks::None);
    let laid = SESSION
        .lay_out(&prepared, data, &SESSION.extras(&prepared, None))
        .unwrap_or_else(|failure| panic!("a brief that check accepts failed to typeset: {failure:?}"));
    if let Err(failure) = SESSION.export(&prepared, &laid.document, "brief:fuzz") {
        panic!("a brief that check accepts failed PDF export: {failure:?}");
    }
}
