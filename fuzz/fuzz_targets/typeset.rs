//! Any bytes as a brief, all the way through the pipeline `brief pdf` uses: a brief that
//! `brief check` accepts must typeset and export to a conforming PDF (PDF/A-2b, PDF/UA-1)
//! without a panic, within the time and memory budget libFuzzer is given (`-timeout=20
//! -rss_limit_mb=4096`, see README.md).

#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use brief::run::pipeline::{Input, Marks, Session, Settings};
use brief::assets::template::{self, Template};
use brief::typeset::{compile, fonts};
use libfuzzer_sys::fuzz_target;

/// The default settings, with the built-in template whatever a brief's `template` key says, so
/// that nothing on disk takes part.
static SESSION: LazyLock<Session> = LazyLock::new(|| {
    let settings = Settings {
        template: Template::built_in(template::DEFAULT),
        ..Settings::default()
    };
    Session::new(settings, fonts::load(&[]).expect("embedded fonts"))
});

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    // What `brief check` refuses is not typeset, as in `brief pdf`. The brief lies in a folder
    // that does not exist, so that a logo it names is never found on disk.
    let path = Path::new("/nonexistent-brief-fuzz/fuzz.toml");
    let input = Input::Text {
        name: "fuzz.toml".into(),
        text: text.into(),
        path: path.into(),
    };
    let Ok(prepared) = SESSION.prepare(&input).1 else {
        return;
    };
    let data = SESSION.data(&prepared, Marks::None);
    let laid = SESSION
        .lay_out(&prepared, data, &SESSION.extras(&prepared, None))
        .unwrap_or_else(|failure| panic!("a brief that check accepts failed to typeset: {failure:?}"));
    if let Err(failure) = SESSION.export(&prepared, &laid.document, "brief:fuzz") {
        panic!("a brief that check accepts failed PDF export: {failure:?}");
    }
    compile::evict(4);
});
