//! The file system at the edges of a run: reading files (regular files only, up to a size
//! limit), writing a PDF atomically (and cleaning up after an interrupted write), checking
//! that an output can never replace an input, and walking folders safely. Every failure comes
//! back as an `Error` that keeps its cause.

use std::collections::BTreeSet;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{self, Error};

/// The largest brief read, in bytes: a thousand times the Belarus paper (30 KB), room for a
/// generated brief of 100,000 actors, and small enough that a wrong file (a disk image) is
/// refused at once instead of filling memory.
pub const MAX_BRIEF_BYTES: u64 = 32 * 1024 * 1024;
/// The largest template file (an image, a data file) or font read.
pub const MAX_ASSET_BYTES: u64 = 64 * 1024 * 1024;
/// How deep a folder walk goes below the folder it starts from.
pub const MAX_WALK_DEPTH: usize = 16;

/// Writes `bytes` to standard output, the one place any command does: what it says there (a
/// schema, a summary, completions) comes back, when it cannot be written, as an error that
/// keeps its cause: a full disk is "failed to write standard output (no space left on
/// device)"; a reader that stopped reading (`| head -1`) is a closed pipe, which the command
/// line ends quietly on ([`Error::is_closed_pipe`]).
pub fn write_stdout(bytes: &[u8]) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("write", "standard output", e))
}

/// Where the files a brief is made from are read: the disk, or a layer over it that a caller
/// keeps (an editor's unsaved buffers for the language server; the snapshot `brief watch`
/// took of what changed, so that a save is read once). Every read of a brief, its template
/// folder's files and its own files goes through one, so that what a build read is what it
/// was made from; where a file lies (inside the root, not a link out) is always asked of the
/// disk.
pub trait Files: Send + Sync {
    /// The bytes of the regular file at `path`, at most `limit` of them, as [`read`] gives
    /// them; `what` names the file in errors ("brief file").
    fn read(&self, path: &Path, what: &str, limit: u64) -> Result<Vec<u8>, Error>;

    /// The files of a folder a build reads whole (a template folder), as [`folder_files`]
    /// lists them.
    fn folder(
        &self,
        dir: &Path,
        what: &str,
        refusal: &str,
    ) -> Result<Vec<(String, PathBuf)>, Error> {
        folder_files(dir, what, refusal)
    }
}

/// The disk, read as it is now.
#[derive(Debug, Default, Clone, Copy)]
pub struct Disk;

impl Files for Disk {
    fn read(&self, path: &Path, what: &str, limit: u64) -> Result<Vec<u8>, Error> {
        read(path, what, limit)
    }
}

/// Reads a whole regular file of at most `limit` bytes. Anything else (a folder, a FIFO, a
/// device, a socket) is refused before it is opened for reading, so that nothing blocks or
/// streams forever; `what` names what was expected ("brief file").
pub fn read(path: &Path, what: &str, limit: u64) -> Result<Vec<u8>, Error> {
    let fail = |reason: String| {
        Error::io(
            "read",
            path,
            error::io_error(io::ErrorKind::InvalidInput, reason),
        )
    };
    let metadata = std::fs::metadata(path).map_err(Error::doing("read", path))?;
    if metadata.is_dir() {
        return Err(fail(format!("it is a folder, not a {what}")));
    }
    if !metadata.is_file() {
        return Err(fail(format!(
            "it is {}, not a regular file",
            kind_of(&metadata)
        )));
    }
    if metadata.len() > limit {
        return Err(fail(format!("it is larger than {}", size(limit))));
    }
    let file = open_without_blocking(path).map_err(Error::doing("read", path))?;
    // The file may have changed since it was looked at: never read more than the limit.
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(Error::doing("read", path))?;
    if bytes.len() as u64 > limit {
        return Err(fail(format!("it is larger than {}", size(limit))));
    }
    Ok(bytes)
}

/// Opens a regular file for reading; on Unix without waiting for a writer, should the path
/// have become a FIFO after it was checked. Anything but a regular file is refused.
pub fn open_without_blocking(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc_o_nonblock());
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(error::io_error(
            io::ErrorKind::InvalidInput,
            "it is not a regular file",
        ));
    }
    Ok(file)
}

#[cfg(all(unix, any(target_os = "linux", target_os = "android")))]
fn libc_o_nonblock() -> i32 {
    0o4000
}

#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
fn libc_o_nonblock() -> i32 {
    0x0004
}

fn size(bytes: u64) -> String {
    format!("{} MiB", bytes / (1024 * 1024))
}

/// "a FIFO", "a device", ...: what a path is, for messages about non-regular files.
pub fn kind_of(metadata: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if metadata.is_symlink() {
        return "a symbolic link";
    }
    if metadata.is_dir() {
        return "a folder";
    }
    "not a regular file"
}

/// Creates a folder and its parents. Where a file stands in the way, the error names it
/// ("it is a file, not a folder") rather than repeating the system's "file exists".
pub fn create_dir_all(path: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(path).map_err(|e| match in_the_way(path) {
        Some(blocker) => Error::io("create", path, not_a_folder(path, blocker, e.kind())),
        None => Error::io("create", path, e),
    })
}

/// The first of `folder` and its parents that exists but is not a folder (a link to a folder
/// is a folder), and what it is.
fn in_the_way(folder: &Path) -> Option<(&Path, &'static str)> {
    for ancestor in folder.ancestors() {
        if ancestor.as_os_str().is_empty() {
            break;
        }
        let what = match std::fs::metadata(ancestor) {
            Ok(metadata) if metadata.is_dir() => return None,
            Ok(metadata) if metadata.is_file() => "a file",
            Ok(metadata) => kind_of(&metadata),
            // A link that leads nowhere.
            Err(_) if std::fs::symlink_metadata(ancestor).is_ok() => "a symbolic link",
            Err(_) => continue,
        };
        return Some((ancestor, what));
    }
    None
}

/// The reason of a failure on `path` because `blocker` is not a folder: "it is a file, not a
/// folder", or "out is a file, not a folder".
fn not_a_folder(path: &Path, (blocker, what): (&Path, &str), kind: io::ErrorKind) -> io::Error {
    let reason = if blocker == path {
        format!("it is {what}, not a folder")
    } else {
        format!("{} is {what}, not a folder", blocker.display())
    };
    error::io_error(kind, reason)
}

/// Checks, before any work, that writing `output` can only create a file or replace a regular
/// file that is none of `protected` (the briefs and template files of the run): never a brief,
/// never a device, FIFO or symbolic link, whatever name or link leads there.
pub fn check_output(output: &Path, protected: &[PathBuf]) -> Result<(), Error> {
    let refuse = |reason: String| {
        Error::io(
            "write",
            output,
            error::io_error(io::ErrorKind::InvalidInput, reason),
        )
    };
    let metadata = match std::fs::symlink_metadata(output) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        // "not a directory": a file where the output's folder should be (`--out-dir FILE`).
        Err(e) => {
            let folder = output.parent().filter(|p| !p.as_os_str().is_empty());
            return Err(match folder.and_then(in_the_way) {
                Some(blocker) => {
                    Error::io("write", output, not_a_folder(output, blocker, e.kind()))
                }
                None => Error::io("write", output, e),
            });
        }
    };
    if !metadata.is_file() {
        return Err(refuse(format!(
            "it is {}; a PDF is only written to a regular file",
            kind_of(&metadata)
        )));
    }
    for input in protected {
        if same_file(output, input) {
            let reason = if output == input {
                "it is an input of this run".to_string()
            } else {
                format!("it is {}, an input of this run", input.display())
            };
            return Err(refuse(reason));
        }
    }
    Ok(())
}

/// Whether two paths name the same file (the same inode on Unix, through any link).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        #[cfg(unix)]
        (Ok(a), Ok(b)) => {
            use std::os::unix::fs::MetadataExt;
            a.dev() == b.dev() && a.ino() == b.ino()
        }
        #[cfg(not(unix))]
        (Ok(_), Ok(_)) => a.canonicalize().ok() == b.canonicalize().ok(),
        _ => false,
    }
}

/// What tells the regular file at `path` from one written there later (an atomic write puts a
/// new file in place): its device and inode on Unix, its size and time of change elsewhere.
/// `None` when there is no regular file.
pub fn identity(path: &Path) -> Option<(u64, u128)> {
    let metadata = std::fs::symlink_metadata(path).ok()?;
    if !metadata.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((metadata.dev(), u128::from(metadata.ino())))
    }
    #[cfg(not(unix))]
    {
        let changed = metadata
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        Some((metadata.len(), changed.as_nanos()))
    }
}

/// Temporary files being written, removed by `remove_temporary_files` when a signal ends the
/// process, since no destructor runs then.
static TEMPORARY: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

fn temporary() -> std::sync::MutexGuard<'static, BTreeSet<PathBuf>> {
    TEMPORARY.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes every temporary file still being written and ends the process with `code`. Called
/// on Ctrl-C and SIGTERM. The lock is held until the end, so no new temporary file is made.
pub fn remove_temporary_files_and_exit(code: i32) -> ! {
    let mut registry = temporary();
    for path in std::mem::take(&mut *registry) {
        let _ = std::fs::remove_file(path);
    }
    std::process::exit(code)
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so that
/// readers see either the old file or the whole new one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    put_in_place(vec![stage(path, bytes)?])
}

/// A file written in full to a temporary file beside its destination, waiting to be moved
/// there by [`put_in_place`]. Dropped instead, it is removed.
pub struct Staged {
    /// Taken when the file is moved into place.
    temporary: Option<tempfile::TempPath>,
    path: PathBuf,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if let Some(file) = self.temporary.take() {
            let registered = file.to_path_buf();
            // Removed before it leaves the registry, so that a signal in between still finds it.
            drop(file);
            temporary().remove(&registered);
        }
    }
}

/// Writes `bytes` to a temporary file beside `path` and leaves it there, registered for
/// removal should a signal end the process, until [`put_in_place`] moves it into place with
/// the files staged with it. The file is closed once written, so that thousands can wait.
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged, Error> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let fail = Error::doing("write", path);
    // Made and registered under the lock, so that a signal never misses a file just made.
    let (mut file, staged) = {
        let mut registry = temporary();
        let file = match tempfile::Builder::new()
            .prefix(".brief-")
            .suffix(".pdf.tmp")
            .tempfile_in(folder)
        {
            Ok(file) => file,
            Err(e) => return Err(fail(e)),
        };
        registry.insert(file.path().to_path_buf());
        let (file, temporary_path) = file.into_parts();
        let staged = Staged {
            temporary: Some(temporary_path),
            path: path.to_path_buf(),
        };
        (file, staged)
    };
    let result = (|| -> io::Result<()> {
        file.write_all(bytes)?;
        slow_write_for_tests();
        // A temporary file is private to its owner; the paper should be as readable as any
        // file the user makes, or keep the permissions of the one it replaces.
        let permissions = match std::fs::metadata(path) {
            Ok(existing) if existing.is_file() => existing.permissions(),
            _ => default_permissions(),
        };
        file.set_permissions(permissions)?;
        file.sync_all()
    })();
    // Closed: only the name waits for its rename. On failure, dropping `staged` removes it.
    drop(file);
    result.map_err(fail)?;
    Ok(staged)
}

/// Moves staged files into place, in order, each by a rename. The registry of temporary
/// files stays locked throughout, so that Ctrl-C or SIGTERM waits until every file is in
/// place instead of leaving some: files that belong together (numbered copies and their
/// register) appear together. On a failure the files not yet in place are removed.
pub fn put_in_place(mut files: Vec<Staged>) -> Result<(), Error> {
    let result = {
        let mut registry = temporary();
        let mut result = Ok(());
        for staged in &mut files {
            let Some(file) = staged.temporary.take() else {
                continue;
            };
            let registered = file.to_path_buf();
            let path = &staged.path;
            // Checked again just before the rename: the path may have become a link or a FIFO.
            let moved = if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) {
                Err(error::io_error(
                    io::ErrorKind::InvalidInput,
                    "it is no longer a regular file",
                ))
            } else {
                // On failure the temporary file comes back in the error, and is removed with it.
                file.persist(path).map_err(|e| e.error)
            };
            registry.remove(&registered);
            if let Err(e) = moved {
                result = Err(Error::io("write", path, e));
                break;
            }
        }
        result
    };
    // Those not moved are removed now that the lock is free (dropping one takes it).
    drop(files);
    result
}

/// In debug builds only, `BRIEF_TEST_SLOW_WRITE_MS` holds a write open for that long, so that
/// a test can interrupt the run while a temporary file exists. Release builds have no such hook.
fn slow_write_for_tests() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("BRIEF_TEST_SLOW_WRITE_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
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

/// The regular files of a folder that a build may read whole (a template folder), each with
/// its name inside the folder (`img/logo.svg`), sorted by name. Links may point anywhere
/// inside the folder but not out of it (`refusal` says why not, as "a template may only use its
/// own files"; Typst's own root check would follow a link out, typst issue 5454); only regular
/// files are listed, hidden files and folders are skipped, linked folders are not entered (no
/// loops), and the walk stops at [`MAX_WALK_DEPTH`]. `what` names the folder in errors.
pub fn folder_files(
    dir: &Path,
    what: &str,
    refusal: &str,
) -> Result<Vec<(String, PathBuf)>, Error> {
    let outside = Outside::Refuse { what, refusal };
    let mut files: Vec<(String, PathBuf)> = walk(dir, true, outside, &|_| true)?
        .into_iter()
        .filter_map(|found| {
            let relative = found.path.strip_prefix(dir).ok()?;
            Some((name_inside(relative)?, found.path))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// `img/logo.svg` for a path inside a folder; `None` for a hidden file or one in a hidden
/// folder, and for a name that is not Unicode.
fn name_inside(relative: &Path) -> Option<String> {
    let parts: Vec<&str> = relative.iter().map(|p| p.to_str()).collect::<Option<_>>()?;
    if parts.iter().any(|p| p.starts_with('.')) {
        return None;
    }
    Some(parts.join("/"))
}

/// Every file under `dir` that `wanted` accepts, sorted. Hidden files and folders are skipped
/// when `skip_hidden` is set. The walk never follows a link to a folder (so it cannot loop or
/// leave `dir`), takes a linked file only when it lies inside `dir`, and goes at most
/// `MAX_WALK_DEPTH` folders deep.
pub fn find_files(
    dir: &Path,
    skip_hidden: bool,
    wanted: &dyn Fn(&Path) -> bool,
) -> Result<Vec<PathBuf>, Error> {
    Ok(find(dir, skip_hidden, wanted)?
        .into_iter()
        .map(|found| found.path)
        .collect())
}

/// A file a walk found.
pub struct Found {
    /// Its path, `dir` joined with the names that lead to it.
    pub path: PathBuf,
    /// Whether it is a symbolic link (to a file inside `dir`).
    pub link: bool,
}

/// [`find_files`], saying of each file whether it is a link.
pub fn find(
    dir: &Path,
    skip_hidden: bool,
    wanted: &dyn Fn(&Path) -> bool,
) -> Result<Vec<Found>, Error> {
    walk(dir, skip_hidden, Outside::Skip, wanted)
}

/// What a walk does with a link that leads out of the folder it walks.
#[derive(Clone, Copy)]
enum Outside<'a> {
    /// Leaves it out (a search for briefs or fonts).
    Skip,
    /// Refuses the whole folder, naming it as `what` and saying why (`refusal`).
    Refuse { what: &'a str, refusal: &'a str },
}

/// The one folder walk: every regular file under `dir` (a link to one inside `dir` included)
/// that `wanted` accepts, sorted; links to folders are not entered, so it cannot loop or leave
/// `dir`, and it goes at most `MAX_WALK_DEPTH` folders deep.
fn walk(
    dir: &Path,
    skip_hidden: bool,
    outside: Outside<'_>,
    wanted: &dyn Fn(&Path) -> bool,
) -> Result<Vec<Found>, Error> {
    let action = match outside {
        Outside::Skip => "search",
        Outside::Refuse { .. } => "read folder",
    };
    let root = dir.canonicalize().map_err(Error::doing(action, dir))?;
    let mut out = vec![];
    let mut pending = vec![(dir.to_path_buf(), 0)];
    while let Some((folder, depth)) = pending.pop() {
        let entries = std::fs::read_dir(&folder).map_err(Error::doing(action, &folder))?;
        for entry in entries {
            let entry = entry.map_err(Error::doing(action, &folder))?;
            let path = entry.path();
            let hidden = path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if skip_hidden && hidden {
                continue;
            }
            let kind = entry.file_type().map_err(Error::doing(action, &path))?;
            if kind.is_dir() {
                if depth + 1 > MAX_WALK_DEPTH {
                    return Err(Error::message(match outside {
                        Outside::Skip => format!(
                            "{} is more than {MAX_WALK_DEPTH} folders deep below {}; a search stops there",
                            path.display(),
                            dir.display()
                        ),
                        Outside::Refuse { what, .. } => format!(
                            "{} is more than {MAX_WALK_DEPTH} folders deep in the {what} {}",
                            path.display(),
                            dir.display()
                        ),
                    }));
                }
                pending.push((path, depth + 1));
            } else if kind.is_symlink() {
                let real = path.canonicalize();
                let inside = real.as_ref().is_ok_and(|real| real.starts_with(&root));
                match outside {
                    Outside::Refuse { what, refusal } if !inside => {
                        return Err(Error::message(format!(
                            "{} leads outside the {what} {}; {refusal}",
                            path.display(),
                            dir.display()
                        )));
                    }
                    _ => {}
                }
                // A linked folder inside is reached by its own path already.
                if inside && real.is_ok_and(|real| real.is_file()) && wanted(&path) {
                    out.push(Found { path, link: true });
                }
            } else if wanted(&path) {
                out.push(Found { path, link: false });
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
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
        assert!(temporary().is_empty());
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
        let error = read(dir.path(), "brief file", MAX_BRIEF_BYTES).unwrap_err();
        assert!(
            error
                .to_string()
                .ends_with("(it is a folder, not a brief file)"),
            "{error}"
        );
    }

    #[test]
    fn files_over_the_limit_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.toml");
        std::fs::write(&path, vec![b'#'; 2048]).unwrap();
        let error = read(&path, "brief file", 1024).unwrap_err().to_string();
        assert!(error.ends_with("(it is larger than 0 MiB)"), "{error}");
        assert_eq!(read(&path, "brief file", 4096).unwrap().len(), 2048);
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_refused_at_once() {
        let error = read(Path::new("/dev/zero"), "brief file", MAX_BRIEF_BYTES)
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "failed to read /dev/zero (it is a device, not a regular file)"
        );
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("b.toml");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let error = read(&fifo, "brief file", MAX_BRIEF_BYTES)
            .unwrap_err()
            .to_string();
        assert!(
            error.ends_with("(it is a FIFO, not a regular file)"),
            "{error}"
        );
        let error = check_output(&fifo, &[]).unwrap_err().to_string();
        assert!(error.contains("it is a FIFO"), "{error}");
    }

    #[cfg(unix)]
    #[test]
    fn an_output_may_not_be_an_input_or_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let brief = dir.path().join("a.toml");
        std::fs::write(&brief, "title = 'x'").unwrap();
        let error = check_output(&brief, std::slice::from_ref(&brief))
            .unwrap_err()
            .to_string();
        assert!(error.ends_with("(it is an input of this run)"), "{error}");
        let link = dir.path().join("link.pdf");
        std::os::unix::fs::symlink(&brief, &link).unwrap();
        let error = check_output(&link, &[]).unwrap_err().to_string();
        assert!(error.contains("it is a symbolic link"), "{error}");
        let hard = dir.path().join("hard.pdf");
        std::fs::hard_link(&brief, &hard).unwrap();
        assert!(check_output(&hard, std::slice::from_ref(&brief)).is_err());
        assert!(check_output(&dir.path().join("new.pdf"), &[brief]).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn walks_do_not_follow_links_out_or_loop() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("briefs");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/a.toml"), "").unwrap();
        std::fs::write(dir.path().join("outside.toml"), "").unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside.toml"), root.join("out.toml")).unwrap();
        std::os::unix::fs::symlink(root.join("sub/a.toml"), root.join("in.toml")).unwrap();
        std::os::unix::fs::symlink(&root, root.join("sub/loop")).unwrap();
        std::os::unix::fs::symlink("/", root.join("everything")).unwrap();
        let found =
            find_files(&root, true, &|p| p.extension().is_some_and(|e| e == "toml")).unwrap();
        let names: Vec<String> = found
            .iter()
            .map(|p| p.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        assert_eq!(names, ["in.toml", "sub/a.toml"]);
    }

    #[test]
    fn a_file_where_a_folder_should_be_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out");
        std::fs::write(&file, "").unwrap();
        assert_eq!(
            create_dir_all(&file).unwrap_err().to_string(),
            format!(
                "failed to create {} (it is a file, not a folder)",
                file.display()
            )
        );
        let below = file.join("pdfs");
        assert_eq!(
            create_dir_all(&below).unwrap_err().to_string(),
            format!(
                "failed to create {} ({} is a file, not a folder)",
                below.display(),
                file.display()
            )
        );
        assert!(create_dir_all(&dir.path().join("new/folder")).is_ok());
        let output = file.join("x.pdf");
        assert_eq!(
            check_output(&output, &[]).unwrap_err().to_string(),
            format!(
                "failed to write {} ({} is a file, not a folder)",
                output.display(),
                file.display()
            )
        );
    }

    #[test]
    fn walks_stop_at_the_documented_depth() {
        let dir = tempfile::tempdir().unwrap();
        let mut deep = dir.path().to_path_buf();
        for _ in 0..=MAX_WALK_DEPTH {
            deep.push("d");
        }
        std::fs::create_dir_all(&deep).unwrap();
        let error = find_files(dir.path(), true, &|_| true)
            .unwrap_err()
            .to_string();
        assert!(error.contains("folders deep"), "{error}");
    }
}
