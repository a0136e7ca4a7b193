//! Reading a brief file from disk, with a clear word for every way that can fail.

use std::path::Path;
use std::sync::Arc;

use crate::diag::Diagnostic;
use crate::export::io_reason;
use crate::source::SourceFile;

/// Why a brief could not be read.
pub enum ReadError {
    /// The file is not there or not readable: a usage or I/O problem.
    Io(String),
    /// The file is there but cannot be a brief (empty, binary, not UTF-8).
    Invalid(Diagnostic),
}

pub fn read_brief(path: &Path) -> Result<Arc<SourceFile>, ReadError> {
    let name = path.display().to_string();
    if path.is_dir() {
        return Err(ReadError::Io(format!(
            "failed to read {name} (it is a folder, not a brief file)"
        )));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| ReadError::Io(format!("failed to read {name} ({})", io_reason(&e))))?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            let offset = error.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&error.as_bytes()[..offset]).into_owned();
            let file = SourceFile::new(name.clone(), valid);
            let diagnostic = Diagnostic::error(format!("{name} is not UTF-8 text"))
                .at(&file, offset..offset)
                .hint("a brief is a UTF-8 TOML file; is this the right file?");
            return Err(ReadError::Invalid(diagnostic));
        }
    };
    let file = SourceFile::from_disk(name.clone(), text);
    if file.text().trim().is_empty() {
        let diagnostic = Diagnostic::error(format!("{name} is empty"))
            .at(&file, 0..0)
            .hint("a brief needs at least `title`, `date` and a `[summary]` with `text`");
        return Err(ReadError::Invalid(diagnostic));
    }
    Ok(file)
}
