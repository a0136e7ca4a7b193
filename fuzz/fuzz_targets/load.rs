//! Any bytes as a brief: reading, validating and building the template's data must never
//! panic, whatever the input.

#![no_main]

use brief::brief::model::Paper;
use brief::diag::Diagnostic;
use brief::source::SourceFile;
use brief::compose::data;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let file = SourceFile::new("fuzz.toml", text.into_owned());
    let (brief, diagnostics) = brief::brief::load::load(&file);
    for diagnostic in &diagnostics {
        // Every location must point inside the file.
        if let Some(location) = &diagnostic.location {
            assert!(location.span.start <= location.span.end);
            assert!(location.span.end <= location.file.text().len());
            let _ = location.file.line_column(location.span.end);
        }
    }
    if let Some(brief) = brief
        && !diagnostics.iter().any(Diagnostic::is_error)
    {
        let print = data::Print { paper: Paper::A4, bleed_mm: 0.0, booklet: false };
        let _ = data::build(&brief, &print, None).to_json();
    }
});
