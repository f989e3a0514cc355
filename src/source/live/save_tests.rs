use super::*;

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
        },
    )])
}

fn capture(dir: &Path, force: bool, rows: &[Row]) -> Result<(), SourceError> {
    let mut saver = Saver::new(dir, force)?;
    saver.write(rows)?;
    saver.finish(&settings())
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
    saver.finish(&settings()).unwrap();
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
    let err = saver.finish(&settings()).unwrap_err();
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
