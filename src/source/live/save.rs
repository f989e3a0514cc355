//! `--save-logs DIR`: every event fetched, in the offline layout (a
//! directory per log group, NDJSON), so `scan --input DIR` reproduces the
//! live result and the capture can be attached to an incident.

use super::query::Row;
use crate::classify::FunctionSettings;
use crate::source::SourceError;
use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// The functions' configuration in a capture: a hidden file, so the
/// offline reader's discovery skips it and `main` reads it for `--input`.
pub const SETTINGS_FILE: &str = ".lambda-configuration.json";

/// Write the functions' configuration next to the events.
pub fn write_settings(
    dir: &Path,
    settings: &BTreeMap<String, FunctionSettings>,
) -> Result<(), SourceError> {
    let path = dir.join(SETTINGS_FILE);
    let text = serde_json::to_string_pretty(settings)
        .map_err(|e| SourceError::Config(format!("--save-logs: {e}")))?;
    fs::write(&path, text + "\n").map_err(|e| io_error(&path, &e))
}

/// The configuration saved in a capture directory, if any.
pub fn read_settings(dir: &Path) -> Result<BTreeMap<String, FunctionSettings>, String> {
    let path = dir.join(SETTINGS_FILE);
    match fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

pub struct Saver {
    dir: PathBuf,
    files: HashMap<String, BufWriter<File>>,
}

/// `DIR/aws/lambda/crm-lookup` for `/aws/lambda/crm-lookup`.
pub fn group_dir(dir: &Path, group: &str) -> PathBuf {
    group
        .split('/')
        .filter(|part| !part.is_empty() && *part != "." && *part != "..")
        .fold(dir.to_path_buf(), |path, part| path.join(part))
}

impl Saver {
    pub fn new(dir: &Path) -> Result<Self, SourceError> {
        fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
        Ok(Saver {
            dir: dir.to_path_buf(),
            files: HashMap::new(),
        })
    }

    /// Append rows; each group's events go to `<group dir>/insights.ndjson`.
    pub fn write(&mut self, rows: &[Row]) -> Result<(), SourceError> {
        for row in rows {
            let out = match self.files.get_mut(&row.group) {
                Some(out) => out,
                None => {
                    let dir = group_dir(&self.dir, &row.group);
                    fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
                    let path = dir.join("insights.ndjson");
                    let file = File::create(&path).map_err(|e| io_error(&path, &e))?;
                    self.files
                        .entry(row.group.clone())
                        .or_insert(BufWriter::new(file))
                }
            };
            let line = serde_json::json!({
                "timestamp": row.timestamp,
                "logStream": row.stream,
                "message": row.message,
            });
            writeln!(out, "{line}").map_err(|e| io_error(&self.dir, &e))?;
        }
        Ok(())
    }

    /// Flush the events and write the configuration.
    pub fn finish(
        &mut self,
        settings: &BTreeMap<String, FunctionSettings>,
    ) -> Result<(), SourceError> {
        for out in self.files.values_mut() {
            out.flush().map_err(|e| io_error(&self.dir, &e))?;
        }
        write_settings(&self.dir, settings)
    }
}

fn io_error(path: &Path, e: &std::io::Error) -> SourceError {
    SourceError::Config(format!("--save-logs: writing {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_become_nested_directories() {
        let d = Path::new("/tmp/x");
        assert_eq!(
            group_dir(d, "/aws/lambda/crm"),
            Path::new("/tmp/x/aws/lambda/crm")
        );
        assert_eq!(group_dir(d, "../../etc"), Path::new("/tmp/x/etc"));
    }
}
