//! The file system at the edges of a run: reading files, writing a PDF atomically, and
//! finding files in folders. Every failure comes back as an `Error` that keeps its cause.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::error::{self, Error};

/// Reads a whole file. A folder is refused with a reason of its own, since "is a directory"
/// alone does not say what was expected.
pub fn read(path: &Path, what: &'static str) -> Result<Vec<u8>, Error> {
    if path.is_dir() {
        let reason = format!("it is a folder, not a {what}");
        return Err(Error::io(
            "read",
            path,
            error::io_error(io::ErrorKind::IsADirectory, reason),
        ));
    }
    std::fs::read(path).map_err(Error::doing("read", path))
}

/// Creates a folder and its parents.
pub fn create_dir_all(path: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(path).map_err(Error::doing("create", path))
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so that
/// readers see either the old file or the whole new one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let fail = Error::doing("write", path);
    let result = (|| -> io::Result<()> {
        let mut file = tempfile::Builder::new()
            .prefix(".brief-")
            .suffix(".pdf.tmp")
            .tempfile_in(folder)?;
        file.write_all(bytes)?;
        // A temporary file is private to its owner; the paper should be as readable as any
        // file the user makes, or keep the permissions of the one it replaces.
        let permissions = match std::fs::metadata(path) {
            Ok(existing) => existing.permissions(),
            Err(_) => default_permissions(),
        };
        file.as_file().set_permissions(permissions)?;
        file.as_file().sync_all()?;
        file.persist(path).map_err(|e| e.error)?;
        Ok(())
    })();
    result.map_err(fail)
}

#[cfg(unix)]
fn default_permissions() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    // What a new file gets under the usual umask of 022.
    std::fs::Permissions::from_mode(0o644)
}

#[cfg(not(unix))]
fn default_permissions() -> std::fs::Permissions {
    let file = tempfile::tempfile().expect("a temporary file can be made");
    file.metadata()
        .expect("its metadata can be read")
        .permissions()
}

/// Every file under `dir` (searched recursively) that `wanted` accepts, in the order the
/// file system lists them; callers sort. Hidden files and folders are skipped when
/// `skip_hidden` is set.
pub fn find_files(
    dir: &Path,
    skip_hidden: bool,
    wanted: &dyn Fn(&Path) -> bool,
) -> io::Result<Vec<PathBuf>> {
    let mut out = vec![];
    find_into(dir, skip_hidden, wanted, &mut out)?;
    Ok(out)
}

fn find_into(
    dir: &Path,
    skip_hidden: bool,
    wanted: &dyn Fn(&Path) -> bool,
    out: &mut Vec<PathBuf>,
) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if skip_hidden && hidden {
            continue;
        }
        if path.is_dir() {
            find_into(&path, skip_hidden, wanted, out)?;
        } else if wanted(&path) {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.pdf");
        std::fs::write(&path, b"old").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn failed_write_names_the_file_and_reason() {
        let error = write_atomically(Path::new("/nonexistent-folder/out.pdf"), b"x").unwrap_err();
        assert_eq!(
            error.to_string(),
            "failed to write /nonexistent-folder/out.pdf (no such file or folder)"
        );
    }

    #[test]
    fn a_folder_is_not_read_as_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let error = read(dir.path(), "brief file").unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("(it is a folder, not a brief file)"),
            "{error}"
        );
    }
}
