//! Log events for the live tests, seeded into moto and written as the
//! exported files `--input` reads: the same events both ways.

use serde_json::{json, Map, Value};
use std::fs;
use std::path::Path;

pub const FLOW: &str = "arn:aws:connect:us-east-1:111122223333:instance/3ff2093d-af96-43fd-b038-3c07cdd7609c/contact-flow/9a687645-4cb5-4869-bf7c-3a7db68d511a";

pub struct Ev {
    pub group: &'static str,
    pub stream: &'static str,
    pub ts: i64,
    pub message: String,
}

pub fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

pub fn flow(contact: &str, ms: i64, body: &str) -> Ev {
    Ev {
        group: "/aws/connect/acme-prod",
        stream: "acme_1",
        ts: ms,
        message: format!(
            r#"{{{body}"ContactId":"{contact}","ContactFlowId":"{FLOW}","ContactFlowName":"Main IVR","Timestamp":"{}"}}"#,
            iso(ms)
        ),
    }
}

pub fn lambda_block(results: &str, function: &str, limit: u32) -> String {
    format!(
        r#"{results}"ContactFlowModuleType":"InvokeExternalResource","Identifier":"Lookup caller","Parameters":{{"FunctionArn":"arn:aws:lambda:us-east-1:111122223333:function:{function}:live","ResponseValidation":"ResponseType=STRING_MAP","TimeLimit":"{limit}"}},"#
    )
}

pub fn line(group: &'static str, stream: &'static str, ts: i64, message: String) -> Ev {
    Ev {
        group,
        stream,
        ts,
        message,
    }
}

/// The same events as exported NDJSON files.
pub fn write_offline(dir: &Path, events: &[Ev]) {
    for ev in events {
        let group_dir = dir.join(ev.group.trim_start_matches('/'));
        fs::create_dir_all(&group_dir).unwrap();
        let path = group_dir.join("events.ndjson");
        let mut text = fs::read_to_string(&path).unwrap_or_default();
        text.push_str(
            &json!({"timestamp": ev.ts, "logStream": ev.stream, "message": ev.message}).to_string(),
        );
        text.push('\n');
        fs::write(path, text).unwrap();
    }
}

/// The events by log group, as moto_seed.py's `groups` takes them.
pub fn groups_of(events: &[Ev]) -> Value {
    let mut groups = Map::new();
    for ev in events {
        groups
            .entry(ev.group)
            .or_insert_with(|| json!([]))
            .as_array_mut()
            .expect("an array per group")
            .push(json!({"stream": ev.stream, "timestamp": ev.ts, "message": ev.message}));
    }
    Value::Object(groups)
}
