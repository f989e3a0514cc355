//! `watch` against moto, the way an on-call engineer runs it: started on a
//! quiet instance, it must print a failure that lands in the logs within two
//! ticks, never print it again unchanged, print the update when the Lambda
//! lines arrive late, and stop at Ctrl-C with the session's summary (130).

mod common;

use common::events::*;
use common::moto::Moto;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const OK_CONTACT: &str = "0b9a3a36-0fd5-4a8b-9c3e-6c2c4bd0f1a2";
const FAILED: &str = "c627399f-13ca-47fa-b6d9-5396c24e5a9e";
const CRM: &str = "/aws/lambda/crm-lookup";
const STREAM: &str = "2026/11/28/[7]8f0e1d2c3b4a59687766554433221100";
const STREAM_FAILED: &str = "2026/11/28/[7]00aa1d2c3b4a59687766554433221100";
const RID_OK: &str = "a1b2c3d4-2222-4e5f-8a9b-0c1d2e3f4a5b";
const RID_FAILED: &str = "8b9836de-3acb-46ae-82da-080b95e77880";
const ERR: &str = r#""Results":"The Lambda Function Returned An Error.","#;

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A quiet instance: one successful Lambda block two minutes ago.
fn quiet_instance() -> Moto {
    let t = now() - 120_000;
    let events = vec![
        flow(
            OK_CONTACT,
            t + 300,
            &lambda_block(r#""ExternalResults":{"isSuccess":"true"},"#, "crm-lookup", 3000),
        ),
        line(CRM, STREAM, t + 20, format!("START RequestId: {RID_OK} Version: 7\n")),
        line(CRM, STREAM, t + 280, format!("END RequestId: {RID_OK}\n")),
        line(CRM, STREAM, t + 280, format!("REPORT RequestId: {RID_OK}\tDuration: 260.00 ms\tBilled Duration: 261 ms\tMemory Size: 512 MB\tMax Memory Used: 90 MB\t\n")),
    ];
    let moto = Moto::start_with(&[("CONNECT_FLOW_LOGS", "acme-prod=true")]);
    moto.seed(&json!({
        "groups": groups_of(&events),
        "functions": [{"name": "crm-lookup", "timeout": 8, "memory": 512}],
    }));
    moto
}

/// Events into the running server's existing groups.
fn append(moto: &Moto, events: &[Ev]) {
    moto.seed(&json!({"groups": groups_of(events), "append": true}));
}

/// The failed block, stamped when Connect gave up (3 s after it began).
fn failed_block(at: i64) -> Vec<Ev> {
    vec![flow(FAILED, at, &lambda_block(ERR, "crm-lookup", 3000))]
}

/// Its invocation's lines, which arrive late: started with the block, a
/// log line, then silence until it ended at 7.95 s.
fn late_lambda_lines(at: i64) -> Vec<Ev> {
    let start = at - 3_000;
    let l = |ts, m: String| line(CRM, STREAM_FAILED, ts, m);
    vec![
        l(start + 40, format!("START RequestId: {RID_FAILED} Version: 7\n")),
        l(start + 50, format!("{}\t{RID_FAILED}\tINFO\tcalling the CRM\n", iso(start + 50))),
        l(start + 7_990, format!("END RequestId: {RID_FAILED}\n")),
        l(start + 7_990, format!("REPORT RequestId: {RID_FAILED}\tDuration: 7950.00 ms\tBilled Duration: 7950 ms\tMemory Size: 512 MB\tMax Memory Used: 91 MB\t\n")),
    ]
}

/// `watch` with stderr merged into stdout, so the order of failure lines and
/// status lines is the order they were written in (`exec` keeps the pid, for
/// the Ctrl-C).
struct Watch {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Watch {
    fn start(moto: &Moto, extra: &[&str]) -> Watch {
        let mut child = Command::new("sh")
            .args([
                "-c",
                r#"exec "$0" "$@" 2>&1"#,
                env!("CARGO_BIN_EXE_connect-timeouts"),
            ])
            .args(["watch", "--instance", "acme-prod", "--interval", "1s"])
            .args(["--since", "5m", "--lag", "1m", "--color", "never"])
            .args(extra)
            .args(["--endpoint-url", &moto.url])
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("HOME", std::env::temp_dir())
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .expect("start watch");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watch {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Lines until one satisfies `wanted`; panics after `ticks` status
    /// lines (or a minute) without it. The lines read, the match last.
    fn until(&mut self, ticks: usize, wanted: impl Fn(&str) -> bool) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut read = Vec::new();
        let mut statuses = 0;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match self.lines.recv_timeout(left) {
                Ok(line) => line,
                Err(RecvTimeoutError::Timeout) => panic!("no such line in a minute: {read:#?}"),
                Err(RecvTimeoutError::Disconnected) => panic!("watch ended: {:#?}", self.seen),
            };
            self.seen.push(line.clone());
            read.push(line.clone());
            if wanted(&line) {
                return read;
            }
            if line.starts_with("status: ") {
                statuses += 1;
                assert!(statuses <= ticks, "not within {ticks} ticks: {read:#?}");
            }
        }
    }

    fn ticks(&mut self, n: usize) -> Vec<String> {
        let mut read = Vec::new();
        for _ in 0..n {
            read.extend(self.until(usize::MAX, |l| l.starts_with("status: ")));
        }
        read
    }

    /// Ctrl-C; the exit code and what was printed after it.
    fn interrupt(mut self) -> (Option<i32>, Vec<String>) {
        let sent = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
        let begun = Instant::now();
        let status = self.child.wait().expect("wait for watch");
        assert!(begun.elapsed() < Duration::from_secs(10), "slow to stop");
        let rest: Vec<String> = self.lines.try_iter().collect();
        (status.code(), rest)
    }
}

#[test]
fn watch_prints_a_new_failure_once_then_its_late_update_and_stops_at_ctrl_c() {
    let moto = quiet_instance();
    let mut watch = Watch::start(&moto, &[]);
    let first = watch.until(usize::MAX, |l| l.starts_with("status: "));
    assert!(
        first[0].starts_with("watching /aws/connect/acme-prod every 1s"),
        "{first:#?}"
    );
    assert!(
        first.iter().all(|l| !l.contains(" new ")),
        "a quiet instance has no failure: {first:#?}"
    );
    assert!(first.last().unwrap().contains("no failure yet"));

    // A caller falls into the error branch; the function's lines are late.
    let at = now() - 5_000;
    append(&moto, &failed_block(at));
    let read = watch.until(2, |l| l.contains(" new ") && l.contains("c627399f"));
    let new = read.last().unwrap();
    assert!(new.contains(" unlinked "), "{new}");
    assert!(new.contains("Main IVR: Lookup caller"), "{new}");

    // The next looks overlap the failure: nothing is printed again...
    let quiet = watch.ticks(2);
    assert!(
        quiet.iter().all(|l| !l.contains("c627399f")),
        "printed again: {quiet:#?}"
    );
    let status = quiet.last().unwrap();
    assert!(status.contains("last 5 min: 1 unlinked"), "{status}");
    assert!(status.contains(" ago) | "), "{status}");

    // ...until the Lambda lines arrive and the verdict changes.
    append(&moto, &late_lambda_lines(at));
    let read = watch.until(2, |l| l.contains(" update ") && l.contains("c627399f"));
    let update = read.last().unwrap();
    assert!(update.contains(" downstream_stall "), "{update}");
    assert!(update.contains("(was unlinked)"), "{update}");
    assert!(update.contains(&RID_FAILED[..8]), "{update}");
    let after = watch.ticks(1);
    assert!(after
        .last()
        .unwrap()
        .contains("last 5 min: 1 downstream_stall"));

    let (code, rest) = watch.interrupt();
    assert_eq!(code, Some(130), "{rest:#?}");
    let summary = rest.join("\n");
    assert!(
        summary.contains("1 failure shown (1 downstream_stall)"),
        "{summary}"
    );
    assert!(summary.contains("Logs Insights: "), "{summary}");
}

#[test]
fn watch_ndjson_lines_are_scan_failures_with_the_event() {
    let moto = quiet_instance();
    let mut watch = Watch::start(&moto, &["--output", "ndjson"]);
    watch.until(usize::MAX, |l| l.starts_with("status: "));
    append(&moto, &failed_block(now() - 5_000));
    let read = watch.until(2, |l| l.starts_with('{'));
    let failure: Value = serde_json::from_str(read.last().unwrap()).expect("one JSON object");
    assert_eq!(failure["contact_id"], FAILED);
    assert_eq!(failure["class"], "unlinked");
    assert_eq!(failure["function"], "crm-lookup");
    assert_eq!(failure["watch"], json!({"event": "new", "was": null}));
    let (code, _) = watch.interrupt();
    assert_eq!(code, Some(130));
}

#[test]
fn watch_refuses_document_formats_before_calling_aws() {
    let out = common::bin()
        .args(["watch", "--instance", "acme-prod", "--output", "json"])
        .args(["--endpoint-url", "http://127.0.0.1:9"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--output table or ndjson"), "{stderr}");
}
