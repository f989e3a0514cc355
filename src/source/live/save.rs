//! `--save-logs DIR`: every event fetched, in the offline layout (a
//! directory per log group, NDJSON), and the X-Ray traces fetched, as
//! `aws xray batch-get-traces --output json` writes them, so
//! `scan --input DIR` reproduces the live result and the capture can be
//! attached to an incident.
//!
//! The names of log groups come from the service, so they are treated as
//! untrusted: each part is reduced to characters that are safe in a path,
//! `.` and `..` are dropped, and the directory made for a group must still
//! be inside DIR after symlinks are resolved. Events go to hidden
//! `.partial` files that are renamed into place only when the whole run
//! succeeded; an error or Ctrl-C removes them, so no half capture is left.
//! A capture already in DIR is never replaced without `--force`.

use super::query::Row;
use super::xray::FetchedTrace;
use crate::model::{ConnectTotals, FunctionSettings};
use crate::source::SourceError;
use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The functions' configuration in a capture: a hidden file, so the
/// offline reader's discovery skips it and `main` reads it for `--input`.
pub const SETTINGS_FILE: &str = ".lambda-configuration.json";

/// The period's totals a staged live run counted with Logs Insights (its
/// capture holds only the failures' neighbourhoods): hidden, as the
/// configuration.
pub const TOTALS_FILE: &str = ".connect-totals.json";

/// The totals saved in a capture directory, if any.
pub fn read_totals(dir: &Path) -> Result<Option<ConnectTotals>, String> {
    let path = dir.join(TOTALS_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The events of one log group in a capture.
pub const EVENTS_FILE: &str = "insights.ndjson";

/// The X-Ray traces in a capture: `DIR/xray/batch-get-traces.json`, a
/// fixed path (no name from the service reaches it). The offline reader
/// finds it by its content, as any `batch-get-traces` document.
pub const TRACES_DIR: &str = "xray";
pub const TRACES_FILE: &str = "batch-get-traces.json";

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
    /// The traces X-Ray returned; `None` until it answered at all.
    traces: Option<Vec<FetchedTrace>>,
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
            traces: None,
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

    /// Keep the traces of an answer from X-Ray (none, when it returned
    /// none: the capture then says so); written by `finish`.
    pub fn keep_traces(&mut self, traces: &[FetchedTrace]) {
        self.traces
            .get_or_insert_with(Vec::new)
            .extend_from_slice(traces);
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

    /// Flush the events, write the configuration and the traces, and move
    /// every file into place. Until this returns, DIR holds no new capture
    /// file.
    pub fn finish(
        &mut self,
        settings: &BTreeMap<String, FunctionSettings>,
        totals: Option<&ConnectTotals>,
    ) -> Result<(), SourceError> {
        let text = serde_json::to_string_pretty(settings)
            .map_err(|e| SourceError::Save(format!("--save-logs: {e}")))?;
        self.add_document(self.dir.join(SETTINGS_FILE), &text)?;
        if let Some(totals) = totals {
            let text = serde_json::to_string_pretty(totals)
                .map_err(|e| SourceError::Save(format!("--save-logs: {e}")))?;
            self.add_document(self.dir.join(TOTALS_FILE), &text)?;
        }
        if let Some(traces) = self.traces.take() {
            self.add_traces(&traces)?;
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

    /// A whole file, written to its temporary file now.
    fn add_document(&mut self, target: PathBuf, text: &str) -> Result<(), SourceError> {
        let (temp, file) = self.create_temp(&target)?;
        self.pending.push(Pending {
            temp: temp.clone(),
            target,
            out: Some(BufWriter::new(file)),
        });
        if let Some(out) = self.pending.last_mut().and_then(|p| p.out.as_mut()) {
            writeln!(out, "{text}").map_err(|e| io_error(&temp, &e))?;
        }
        Ok(())
    }

    /// `DIR/xray/batch-get-traces.json`: one page holding every trace.
    fn add_traces(&mut self, traces: &[FetchedTrace]) -> Result<(), SourceError> {
        let dir = self.dir.join(TRACES_DIR);
        fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
        self.check_inside(&dir)?;
        let text = serde_json::to_string_pretty(&serde_json::json!({ "Traces": traces }))
            .map_err(|e| SourceError::Save(format!("--save-logs: {e}")))?;
        self.add_document(dir.join(TRACES_FILE), &text)
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
    // Only there: a `batch-get-traces.json` of the user's elsewhere in DIR
    // is not the capture's.
    let traces_path = dir.join(TRACES_DIR).join(TRACES_FILE);
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
            } else if name == SETTINGS_FILE
                || name == TOTALS_FILE
                || is_events_file(&name.to_string_lossy())
                || entry.path() == traces_path
            {
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
mod tests {
    use super::*;
    use crate::model::RawTrace;
    use crate::source::files::{discover, read_traces};
    use crate::source::live::xray::FetchedSegment;

    fn row(group: &str, message: &str) -> Row {
        Row {
            timestamp: 1_764_000_000_000,
            group: group.to_string(),
            stream: "2026/11/28/[$LATEST]abc".to_string(),
            message: message.to_string(),
            ptr: None,
        }
    }

    /// Every file under `dir`, relative, sorted (hidden ones too).
    fn files(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(current) = stack.pop() {
            for entry in fs::read_dir(&current).unwrap().flatten() {
                let path = entry.path();
                if entry.file_type().unwrap().is_dir() {
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(dir).unwrap();
                    out.push(rel.to_string_lossy().into_owned());
                }
            }
        }
        out.sort();
        out
    }

    fn settings() -> BTreeMap<String, FunctionSettings> {
        BTreeMap::from([(
            "crm-lookup".to_string(),
            FunctionSettings {
                timeout_s: Some(3.0),
                vpc_attached: Some(false),
                provisioned_concurrency: None,
                changed_after_period: None,
            },
        )])
    }

    fn capture(dir: &Path, force: bool, rows: &[Row]) -> Result<(), SourceError> {
        let mut saver = Saver::new(dir, force)?;
        saver.write(rows)?;
        saver.finish(&settings(), None)
    }

    #[test]
    fn group_names_become_nested_directories() {
        let d = Path::new("/tmp/x");
        assert_eq!(
            group_dir(d, "/aws/lambda/crm"),
            Path::new("/tmp/x/aws/lambda/crm")
        );
        assert_eq!(group_dir(d, "../../etc"), Path::new("/tmp/x/etc"));
        assert_eq!(group_dir(d, "/./a/../b"), Path::new("/tmp/x/a/b"));
        // Characters AWS does not allow in a group name cannot reach the path.
        assert_eq!(
            group_dir(d, "/aws/a\\..\\b\0c d"),
            Path::new("/tmp/x/aws/a_.._b_c_d")
        );
        let long = "x".repeat(600);
        let dir = group_dir(d, &long);
        assert_eq!(dir.file_name().unwrap().len(), MAX_COMPONENT);
    }

    #[test]
    fn a_capture_appears_only_when_finished() {
        let tmp = tempfile::tempdir().unwrap();
        let mut saver = Saver::new(tmp.path(), false).unwrap();
        saver
            .write(&[row("/aws/lambda/crm-lookup", "START RequestId: 1")])
            .unwrap();
        // Mid-run: only the hidden partial file, which discovery skips.
        assert_eq!(
            files(tmp.path()),
            vec!["aws/lambda/crm-lookup/.insights.ndjson.partial"]
        );
        saver.finish(&settings(), None).unwrap();
        assert_eq!(
            files(tmp.path()),
            vec![
                ".lambda-configuration.json",
                "aws/lambda/crm-lookup/insights.ndjson"
            ]
        );
        let text =
            fs::read_to_string(tmp.path().join("aws/lambda/crm-lookup/insights.ndjson")).unwrap();
        assert!(
            text.contains("\"message\":\"START RequestId: 1\""),
            "{text}"
        );
        assert_eq!(read_settings(tmp.path()).unwrap(), settings());
    }

    #[test]
    fn a_run_that_stops_early_leaves_nothing_behind() {
        let tmp = tempfile::tempdir().unwrap();
        {
            let mut saver = Saver::new(tmp.path(), false).unwrap();
            saver.write(&[row("/aws/connect/acme", "{}")]).unwrap();
            saver.write(&[row("/aws/lambda/crm", "REPORT")]).unwrap();
            // Dropped without finish, as on an error or Ctrl-C.
        }
        assert!(files(tmp.path()).is_empty(), "{:?}", files(tmp.path()));
    }

    #[test]
    fn an_earlier_capture_is_not_replaced_without_force() {
        let tmp = tempfile::tempdir().unwrap();
        capture(tmp.path(), false, &[row("/aws/lambda/crm", "first")]).unwrap();
        let before = fs::read_to_string(tmp.path().join("aws/lambda/crm/insights.ndjson")).unwrap();

        let err = capture(tmp.path(), false, &[row("/aws/lambda/crm", "second")]).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("already exists") && message.contains("--force"),
            "{message}"
        );
        let after = fs::read_to_string(tmp.path().join("aws/lambda/crm/insights.ndjson")).unwrap();
        assert_eq!(before, after);
        assert!(files(tmp.path()).iter().all(|f| !f.ends_with(".partial")));
    }

    #[test]
    fn a_file_that_appears_during_the_run_is_not_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let mut saver = Saver::new(tmp.path(), false).unwrap();
        saver.write(&[row("/aws/lambda/crm", "mine")]).unwrap();
        let theirs = tmp.path().join("aws/lambda/crm/insights.ndjson");
        fs::write(&theirs, "theirs\n").unwrap();
        let err = saver.finish(&settings(), None).unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        drop(saver);
        assert_eq!(fs::read_to_string(&theirs).unwrap(), "theirs\n");
        assert_eq!(files(tmp.path()), vec!["aws/lambda/crm/insights.ndjson"]);
    }

    #[test]
    fn force_replaces_the_earlier_capture_as_a_whole() {
        let tmp = tempfile::tempdir().unwrap();
        capture(
            tmp.path(),
            false,
            &[
                row("/aws/lambda/old", "old"),
                row("/aws/lambda/crm", "first"),
            ],
        )
        .unwrap();
        fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
        capture(tmp.path(), true, &[row("/aws/lambda/crm", "second")]).unwrap();
        assert_eq!(
            files(tmp.path()),
            vec![
                ".lambda-configuration.json",
                "aws/lambda/crm/insights.ndjson",
                "notes.txt"
            ]
        );
        let text = fs::read_to_string(tmp.path().join("aws/lambda/crm/insights.ndjson")).unwrap();
        assert!(text.contains("second") && !text.contains("first"), "{text}");
    }

    #[test]
    fn groups_that_sanitize_alike_keep_separate_files() {
        let tmp = tempfile::tempdir().unwrap();
        capture(
            tmp.path(),
            false,
            &[
                row("/aws/lambda/crm", "slash"),
                row("aws/lambda/crm", "no slash"),
                row("/aws/lambda/crm", "slash again"),
            ],
        )
        .unwrap();
        assert_eq!(
            files(tmp.path()),
            vec![
                ".lambda-configuration.json",
                "aws/lambda/crm/insights-2.ndjson",
                "aws/lambda/crm/insights.ndjson"
            ]
        );
        let first = fs::read_to_string(tmp.path().join("aws/lambda/crm/insights.ndjson")).unwrap();
        assert_eq!(first.lines().count(), 2);
    }

    #[test]
    fn a_symlink_cannot_lead_the_capture_out_of_the_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("capture");
        fs::create_dir_all(&dir).unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.join("aws")).unwrap();
        let err = capture(&dir, false, &[row("/aws/lambda/crm", "x")]).unwrap_err();
        assert!(err.to_string().contains("outside"), "{err}");
        assert!(files(outside.path()).is_empty());
    }

    fn fetched(id: &str, documents: &[(&str, &str)]) -> FetchedTrace {
        FetchedTrace {
            id: id.to_string(),
            segments: documents
                .iter()
                .map(|(segment, document)| FetchedSegment {
                    id: Some(segment.to_string()),
                    document: document.to_string(),
                })
                .collect(),
        }
    }

    /// The traces the offline reader finds in `dir` (`None`: no document).
    fn replayed(dir: &Path) -> Option<Vec<RawTrace>> {
        let files = discover(&[dir.to_path_buf()]).unwrap();
        let mut found = None;
        for file in &files {
            if let Some(traces) = read_traces(file).unwrap() {
                found.get_or_insert_with(Vec::new).extend(traces);
            }
        }
        found
    }

    #[test]
    fn the_traces_fetched_are_a_batch_get_traces_document_the_offline_reader_reads() {
        let tmp = tempfile::tempdir().unwrap();
        let traces = [
            fetched(
                "1-6b162930-aaaaaaaaaaaaaaaaaaaaaaaa",
                &[
                    ("5555555555555555", r#"{"origin":"AWS::Lambda"}"#),
                    ("1111111111111111", r#"{"origin":"AWS::Lambda::Function"}"#),
                ],
            ),
            fetched(
                "1-6b162930-bbbbbbbbbbbbbbbbbbbbbbbb",
                &[("2222222222222222", "{}")],
            ),
        ];
        let mut saver = Saver::new(tmp.path(), false).unwrap();
        saver.keep_traces(&traces[..1]);
        saver.keep_traces(&traces[1..]);
        saver.finish(&settings(), None).unwrap();
        assert_eq!(
            files(tmp.path()),
            [".lambda-configuration.json", "xray/batch-get-traces.json"]
        );
        let text = fs::read_to_string(tmp.path().join("xray/batch-get-traces.json")).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            doc["Traces"][0]["Segments"][1],
            serde_json::json!({"Id": "1111111111111111", "Document": r#"{"origin":"AWS::Lambda::Function"}"#})
        );
        let raw: Vec<RawTrace> = traces.iter().map(FetchedTrace::raw).collect();
        assert_eq!(replayed(tmp.path()), Some(raw));
    }

    #[test]
    fn an_empty_answer_is_kept_and_no_answer_writes_nothing() {
        let answered = tempfile::tempdir().unwrap();
        let mut saver = Saver::new(answered.path(), false).unwrap();
        saver.keep_traces(&[]);
        saver.finish(&settings(), None).unwrap();
        assert_eq!(
            replayed(answered.path()),
            Some(vec![]),
            "the replay looked too"
        );

        let unanswered = tempfile::tempdir().unwrap();
        capture(unanswered.path(), false, &[]).unwrap();
        assert_eq!(files(unanswered.path()), [".lambda-configuration.json"]);
        assert_eq!(replayed(unanswered.path()), None);
    }

    #[test]
    fn the_traces_follow_the_capture_rules() {
        let tmp = tempfile::tempdir().unwrap();
        let trace = fetched("1-6b162930-aaaaaaaaaaaaaaaaaaaaaaaa", &[("1", "{}")]);
        let mut saver = Saver::new(tmp.path(), false).unwrap();
        saver.keep_traces(std::slice::from_ref(&trace));
        drop(saver);
        assert!(files(tmp.path()).is_empty(), "nothing before finish");

        // A trace document of the user's elsewhere in DIR is not a capture.
        fs::write(
            tmp.path().join("batch-get-traces.json"),
            "{\"Traces\": []}\n",
        )
        .unwrap();
        let mut saver = Saver::new(tmp.path(), false).unwrap();
        saver.keep_traces(std::slice::from_ref(&trace));
        saver.finish(&settings(), None).unwrap();

        // The capture's own is: refused without --force ...
        fs::remove_file(tmp.path().join(SETTINGS_FILE)).unwrap();
        let err = Saver::new(tmp.path(), false).err().expect("refused");
        assert!(
            err.to_string()
                .contains("xray/batch-get-traces.json already exists"),
            "{err}"
        );
        // ... and replaced as a whole with it: a run that fetched no trace
        // leaves none of the earlier run's, and the user's file alone.
        capture(tmp.path(), true, &[row("/aws/lambda/crm", "x")]).unwrap();
        assert_eq!(
            files(tmp.path()),
            [
                ".lambda-configuration.json",
                "aws/lambda/crm/insights.ndjson",
                "batch-get-traces.json"
            ]
        );
    }

    #[test]
    fn a_symlink_cannot_lead_the_traces_out_of_the_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), tmp.path().join(TRACES_DIR)).unwrap();
        let mut saver = Saver::new(tmp.path(), false).unwrap();
        saver.keep_traces(&[]);
        let err = saver.finish(&settings(), None).unwrap_err();
        assert!(err.to_string().contains("outside"), "{err}");
        drop(saver);
        assert!(files(outside.path()).is_empty());
        assert!(!tmp.path().join(SETTINGS_FILE).exists());
    }
}
