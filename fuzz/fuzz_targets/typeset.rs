//! Any bytes as a brief, all the way: a brief that `brief check` accepts must typeset and
//! export to a conforming PDF (PDF/A-2b, PDF/UA-1) without a panic, within the time and memory
//! budget libFuzzer is given (`-timeout=20 -rss_limit_mb=4096`, see README.md).

#![no_main]

use std::sync::LazyLock;

use brief::brief::model::Paper;
use brief::diag::Diagnostic;
use brief::run::pipeline;
use brief::source::SourceFile;
use brief::typeset::fonts::{self, Fonts};
use brief::typeset::template::{self, Template};
use brief::typeset::world::Environment;
use brief::typeset::{compile, data, pdf};
use libfuzzer_sys::fuzz_target;

static FONTS: LazyLock<Fonts> = LazyLock::new(|| fonts::load(&[]).expect("embedded fonts"));
static ENVIRONMENT: LazyLock<Environment> = LazyLock::new(|| {
    let template = Template::built_in(template::DEFAULT).expect("the default template");
    Environment::new(&template, &FONTS).expect("the default template's environment")
});

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let file = SourceFile::new("fuzz.toml", text.to_string());
    let (brief, diagnostics) = brief::brief::load::load(&file);
    let Some(brief) = brief else { return };
    if diagnostics.iter().any(Diagnostic::is_error) {
        return;
    }
    // What `brief check` refuses is not typeset, as in `brief pdf`.
    if !pipeline::preflight(&brief, &FONTS, &pdf::DEFAULT_STANDARDS).is_empty() {
        return;
    }
    let print = data::Print {
        paper: Paper::A4,
        bleed_mm: 0.0,
        booklet: false,
    };
    let json = data::build(&brief, &print, None).to_json();
    let (document, diagnostics) = compile::compile(&ENVIRONMENT, json, None, brief.date.value);
    let document = document.unwrap_or_else(|| {
        panic!("a brief that check accepts failed to typeset: {diagnostics:?}")
    });
    if let Err(errors) = pdf::export(
        &document,
        brief.date.value,
        "brief:fuzz",
        &pdf::DEFAULT_STANDARDS,
    ) {
        panic!("a brief that check accepts failed PDF export: {errors:?}");
    }
    compile::evict(4);
});
