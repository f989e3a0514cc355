//! `--save-logs DIR`: every event fetched, in the offline layout (a
//! directory per log group, NDJSON), so `scan --input DIR` reproduces the
//! live result and the capture can be attached to an incident.
//!
//! The names of log groups come from the service, so they are treated as
//! untrusted: each part is reduced to characters that are safe in a path,
//! `.` and `..` are dropped, and the directory made for a group must still
//! be inside DIR after symlinks are resolved. Events go to hidden
//! `.partial` files that are renamed into place only when the whole run
//! succeeded; an error or Ctrl-C removes them, so no half capture is left.
//! A capture already in DIR is never replaced without `--force`.

use super::query::Row;
use crate::model::FunctionSettings;
use crate::source::SourceError;
use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The functions' configuration in a capture: a hidden file, so the
/// offline reader's discovery skips it and `main` reads it for `--input`.
pub const SETTINGS_FILE: &str = ".lambda-configuration.json";

/// The events of one log group in a capture.
pub const EVENTS_FILE: &str = "insights.ndjson";

/// How far the check for an earlier capture looks before it gives up (a
/// `--save-logs ~` must not walk a whole home directory); the check at
/// commit time still refuses to replace a file.
const CAPTURE_CHECK_LIMIT: usize = 10_000;

/// The longest file-name component most filesystems take.
const MAX_COMPONENT: usize = 255;

/// The configuration saved in a capture directory, if any.
pub fn read_settings(dir: &Path) -> Result<BTreeMap<String, FunctionSettings>, String> {
    let path = dir.join(SETTINGS_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// `DIR/aws/lambda/crm-lookup` for `/aws/lambda/crm-lookup`: each part of
/// the name becomes a directory; empty parts, `.` and `..` are dropped and
/// any character outside the ones AWS allows in a group name (letters,
/// digits, `.`, `-`, `_`, `#`) becomes `_`, so a name cannot climb out of
/// DIR, be absolute, or carry a NUL or a backslash into the path.
pub fn group_dir(dir: &Path, group: &str) -> PathBuf {
    group
        .split('/')
        .filter(|part| !part.is_empty() && *part != "." && *part != "..")
        .map(safe_component)
        .fold(dir.to_path_buf(), |path, part| path.join(part))
}

fn safe_component(part: &str) -> String {
    part.chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' | '_' | '#' => c,
            _ => '_',
        })
        .take(MAX_COMPONENT)
        .collect()
}

/// One file being written: the hidden temporary file and where it goes.
struct Pending {
    temp: PathBuf,
    target: PathBuf,
    out: Option<BufWriter<File>>,
}

pub struct Saver {
    dir: PathBuf,
    /// DIR with its symlinks resolved: every file written must be under it.
    root: PathBuf,
    force: bool,
    /// By log group: the index of its file in `pending`.
    groups: HashMap<String, usize>,
    pending: Vec<Pending>,
}

impl Saver {
    /// Create DIR if needed; without `force`, refuse a DIR that already
    /// holds a capture before any query runs (and costs money).
    pub fn new(dir: &Path, force: bool) -> Result<Self, SourceError> {
        fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
        let root = fs::canonicalize(dir).map_err(|e| io_error(dir, &e))?;
        if !force {
            if let Some(existing) = earlier_capture(dir) {
                return Err(exists_error(&existing));
            }
        }
        Ok(Saver {
            dir: dir.to_path_buf(),
            root,
            force,
            groups: HashMap::new(),
            pending: Vec::new(),
        })
    }

    /// Append rows; each group's events go to `<group dir>/insights.ndjson`.
    pub fn write(&mut self, rows: &[Row]) -> Result<(), SourceError> {
        for row in rows {
            let index = match self.groups.get(&row.group) {
                Some(&index) => index,
                None => self.open(&row.group)?,
            };
            let pending = &mut self.pending[index];
            let line = serde_json::json!({
                "timestamp": row.timestamp,
                "logStream": row.stream,
                "message": row.message,
            });
            if let Some(out) = pending.out.as_mut() {
                writeln!(out, "{line}").map_err(|e| io_error(&pending.temp, &e))?;
            }
        }
        Ok(())
    }

    /// Start the file of a group not seen before.
    fn open(&mut self, group: &str) -> Result<usize, SourceError> {
        let dir = group_dir(&self.dir, group);
        fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
        self.check_inside(&dir)?;
        let target = self.free_target(&dir);
        let (temp, file) = self.create_temp(&target)?;
        let index = self.pending.len();
        self.pending.push(Pending {
            temp,
            target,
            out: Some(BufWriter::new(file)),
        });
        self.groups.insert(group.to_string(), index);
        Ok(index)
    }

    /// Two names that sanitize to the same directory (`/a/b` and `a/b`)
    /// get `insights-2.ndjson` and so on, rather than sharing one file.
    fn free_target(&self, dir: &Path) -> PathBuf {
        let taken = |path: &PathBuf| self.pending.iter().any(|p| &p.target == path);
        let first = dir.join(EVENTS_FILE);
        if !taken(&first) {
            return first;
        }
        (2..)
            .map(|n| dir.join(format!("insights-{n}.ndjson")))
            .find(|path| !taken(path))
            .unwrap_or(first)
    }

    /// A symlink inside DIR (say `DIR/aws -> /etc`) must not lead the
    /// capture elsewhere.
    fn check_inside(&self, dir: &Path) -> Result<(), SourceError> {
        let real = fs::canonicalize(dir).map_err(|e| io_error(dir, &e))?;
        if real.starts_with(&self.root) {
            Ok(())
        } else {
            Err(SourceError::Save(format!(
                "--save-logs: {} leads to {}, outside {}; refusing to write there",
                dir.display(),
                real.display(),
                self.dir.display()
            )))
        }
    }

    fn create_temp(&self, target: &Path) -> Result<(PathBuf, File), SourceError> {
        let temp = temp_path(target);
        // A leftover from a killed run (SIGKILL skips the clean-up) is ours
        // to replace: it was never a capture.
        let _ = fs::remove_file(&temp);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| io_error(&temp, &e))?;
        Ok((temp, file))
    }

    /// Flush the events, write the configuration, and move every file
    /// into place. Until this returns, DIR holds no new capture file.
    pub fn finish(
        &mut self,
        settings: &BTreeMap<String, FunctionSettings>,
    ) -> Result<(), SourceError> {
        let settings_target = self.dir.join(SETTINGS_FILE);
        let text = serde_json::to_string_pretty(settings)
            .map_err(|e| SourceError::Save(format!("--save-logs: {e}")))?;
        let (temp, file) = self.create_temp(&settings_target)?;
        self.pending.push(Pending {
            temp: temp.clone(),
            target: settings_target,
            out: Some(BufWriter::new(file)),
        });
        if let Some(out) = self.pending.last_mut().and_then(|p| p.out.as_mut()) {
            writeln!(out, "{text}").map_err(|e| io_error(&temp, &e))?;
        }
        for pending in &mut self.pending {
            if let Some(out) = pending.out.take() {
                let file = out
                    .into_inner()
                    .map_err(|e| io_error(&pending.temp, e.error()))?;
                file.sync_all().map_err(|e| io_error(&pending.temp, &e))?;
            }
        }
        if !self.force {
            if let Some(existing) = self.pending.iter().find(|p| p.target.exists()) {
                return Err(exists_error(&existing.target));
            }
        }
        let stale = if self.force {
            capture_files(&self.dir, usize::MAX)
        } else {
            Vec::new()
        };
        for pending in &self.pending {
            commit(pending, self.force)?;
        }
        // `--force` replaces the earlier capture as a whole: a group it had
        // and this run did not fetch must not be replayed with this one.
        for path in stale {
            if !self.pending.iter().any(|p| p.target == path) {
                fs::remove_file(&path).map_err(|e| io_error(&path, &e))?;
            }
        }
        self.pending.clear();
        Ok(())
    }
}

/// Dropped before `finish` (an error, Ctrl-C): remove the partial files.
impl Drop for Saver {
    fn drop(&mut self) {
        for pending in &self.pending {
            let _ = fs::remove_file(&pending.temp);
        }
    }
}

/// Rename into place; without `force`, a hard link does the move because
/// it fails rather than replace a file that appeared in the meantime.
fn commit(pending: &Pending, force: bool) -> Result<(), SourceError> {
    let done = if force {
        fs::rename(&pending.temp, &pending.target)
    } else {
        fs::hard_link(&pending.temp, &pending.target).and_then(|()| fs::remove_file(&pending.temp))
    };
    done.map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => exists_error(&pending.target),
        _ => io_error(&pending.target, &e),
    })
}

/// `.insights.ndjson.partial` beside `insights.ndjson`: hidden, so a scan
/// of the directory never reads it.
fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.trim_start_matches('.');
    target.with_file_name(format!(".{name}.partial"))
}

/// The first capture file under `dir`, if any.
fn earlier_capture(dir: &Path) -> Option<PathBuf> {
    capture_files(dir, CAPTURE_CHECK_LIMIT).into_iter().next()
}

/// The capture files under `dir` (not following symlinks), looking at
/// `limit` entries at most.
fn capture_files(dir: &Path, limit: usize) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = 0usize;
    while let Some(current) = stack.pop() {
        let Ok(entries) = fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > limit {
                return found;
            }
            let name = entry.file_name();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(entry.path());
            } else if name == SETTINGS_FILE || is_events_file(&name.to_string_lossy()) {
                found.push(entry.path());
            }
        }
    }
    found
}

fn is_events_file(name: &str) -> bool {
    name == EVENTS_FILE || (name.starts_with("insights-") && name.ends_with(".ndjson"))
}

fn exists_error(path: &Path) -> SourceError {
    SourceError::Save(format!(
        "--save-logs: {} already exists (an earlier capture); choose another directory or pass --force to replace it",
        path.display()
    ))
}

fn io_error(path: &Path, e: &std::io::Error) -> SourceError {
    SourceError::Save(format!("--save-logs: writing {}: {e}", path.display()))
}

#[cfg(test)]
#[path = "save_tests.rs"]
mod tests;
