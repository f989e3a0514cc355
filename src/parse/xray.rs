//! X-Ray segment documents (as `BatchGetTraces` returns them, one JSON
//! string per segment) into the calls a traced function made.
//!
//! A Lambda trace has an `AWS::Lambda` segment (the service) and an
//! `AWS::Lambda::Function` segment (the function) whose subsegments are
//! `Initialization`, `Invocation` (the handler's calls nest under it) and
//! `Overhead`. Only the function segment's calls are read; the structural
//! subsegments are looked through. Times are epoch seconds (floats);
//! `in_progress: true` means the subsegment never ended. Every field is
//! optional: a document too odd to read costs that document, not the trace.

use crate::model::{Call, Millis, RawTrace, Trace};
use serde_json::Value;

/// The function segment's origin.
const FUNCTION_ORIGIN: &str = "AWS::Lambda::Function";

/// Subsegments Lambda itself opens around the handler: their children are
/// the handler's calls.
const STRUCTURAL: [&str; 3] = ["Initialization", "Invocation", "Overhead"];

/// The keys of `aws` that name what a call was on, in order of preference.
const RESOURCE_KEYS: [&str; 6] = [
    "table_name",
    "bucket_name",
    "queue_url",
    "topic_arn",
    "function_name",
    "stream_name",
];

/// The calls of a trace's function segment(s); `None` when the trace holds
/// no function segment (only the service's, or nothing readable).
pub fn parse_trace(raw: &RawTrace) -> Option<Trace> {
    let mut calls = Vec::new();
    let mut found = false;
    for doc in &raw.segment_documents {
        let Ok(segment) = serde_json::from_str::<Value>(doc) else {
            continue;
        };
        if segment.get("origin").and_then(Value::as_str) != Some(FUNCTION_ORIGIN) {
            continue;
        }
        found = true;
        collect(&segment, 0, &mut calls);
    }
    found.then(|| Trace {
        id: raw.id.clone(),
        calls,
    })
}

/// The subsegments of `node`, depth-first, structural ones looked through.
fn collect(node: &Value, depth: usize, out: &mut Vec<Call>) {
    let Some(subsegments) = node.get("subsegments").and_then(Value::as_array) else {
        return;
    };
    let mut ordered: Vec<&Value> = subsegments.iter().collect();
    ordered.sort_by(|a, b| seconds(a, "start_time").total_cmp(&seconds(b, "start_time")));
    for sub in ordered {
        let name = text(sub, &["name"]).unwrap_or_default();
        if STRUCTURAL.contains(&name.as_str()) {
            collect(sub, depth, out);
            continue;
        }
        if let Some(call) = call(sub, name, depth) {
            out.push(call);
        }
        collect(sub, depth + 1, out);
    }
}

fn call(sub: &Value, name: String, depth: usize) -> Option<Call> {
    let start = millis(sub.get("start_time")?.as_f64()?)?;
    let in_progress = sub.get("in_progress").and_then(Value::as_bool) == Some(true);
    let end = if in_progress {
        None
    } else {
        sub.get("end_time").and_then(Value::as_f64).and_then(millis)
    };
    Some(Call {
        name,
        namespace: text(sub, &["namespace"]),
        operation: text(sub, &["aws", "operation"]),
        resource: RESOURCE_KEYS
            .iter()
            .find_map(|key| text(sub, &["aws", key])),
        method: text(sub, &["http", "request", "method"]),
        url: text(sub, &["http", "request", "url"]).map(|u| without_query(&u)),
        start,
        end,
        depth,
    })
}

/// A string at `path`, when there is one.
fn text(value: &Value, path: &[&str]) -> Option<String> {
    let mut at = value;
    for key in path {
        at = at.get(key)?;
    }
    at.as_str().map(str::to_string)
}

fn seconds(value: &Value, key: &str) -> f64 {
    value.get(key).and_then(Value::as_f64).unwrap_or(f64::MAX)
}

/// Epoch seconds to milliseconds; `None` for what no clock shows.
fn millis(seconds: f64) -> Option<Millis> {
    let ms = (seconds * 1000.0).round();
    (ms.is_finite() && ms.abs() < 1e15).then_some(ms as Millis)
}

/// A URL without its query string and fragment.
fn without_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or(url).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(docs: &[&str]) -> RawTrace {
        RawTrace {
            id: "1-6523a0f1-3b2c4d5e6f708192a3b4c5d6".into(),
            segment_documents: docs.iter().map(|d| d.to_string()).collect(),
        }
    }

    /// The shapes of a real Lambda trace: the service segment, then the
    /// function's with Initialization, Invocation (a DynamoDB call, then an
    /// HTTP call still in progress, with a nested named subsegment) and
    /// Overhead.
    const SERVICE: &str = r#"{"id":"6a4c1f2b3d4e5f60","name":"crm-lookup","start_time":1795860000.030,"end_time":1795860008.200,"trace_id":"1-6523a0f1-3b2c4d5e6f708192a3b4c5d6","origin":"AWS::Lambda","aws":{"request_id":"3a09eeb4-68f5-4459-8ee9-77329f709d9c"}}"#;
    const FUNCTION: &str = r#"{"id":"5b3d2e1f0a9b8c7d","name":"crm-lookup","start_time":1795860000.040,"end_time":1795860008.190,"trace_id":"1-6523a0f1-3b2c4d5e6f708192a3b4c5d6","parent_id":"6a4c1f2b3d4e5f60","origin":"AWS::Lambda::Function","subsegments":[
        {"id":"a1","name":"Invocation","start_time":1795860000.050,"end_time":1795860008.150,"subsegments":[
            {"id":"b2","name":"https://crm.example.com","namespace":"remote","start_time":1795860000.200,"in_progress":true,"http":{"request":{"method":"GET","url":"https://crm.example.com/accounts/search?phone=%2B12065550168"}},"subsegments":[
                {"id":"c3","name":"parse-response","start_time":1795860000.300,"end_time":1795860000.310}]},
            {"id":"b1","name":"DynamoDB","namespace":"aws","start_time":1795860000.060,"end_time":1795860000.094,"aws":{"operation":"GetItem","table_name":"customers"}}]},
        {"id":"a0","name":"Initialization","start_time":1795860000.000,"end_time":1795860000.040},
        {"id":"a2","name":"Overhead","start_time":1795860008.150,"end_time":1795860008.190}]}"#;

    #[test]
    fn the_function_segments_calls_in_start_order() {
        let trace = parse_trace(&raw(&[SERVICE, FUNCTION])).expect("a function segment");
        assert_eq!(trace.id, "1-6523a0f1-3b2c4d5e6f708192a3b4c5d6");
        let labels: Vec<(String, usize)> =
            trace.calls.iter().map(|c| (c.label(), c.depth)).collect();
        assert_eq!(
            labels,
            [
                ("DynamoDB GetItem customers".to_string(), 0),
                ("GET crm.example.com/accounts/search".to_string(), 0),
                ("parse-response".to_string(), 1),
            ]
        );
        let http = &trace.calls[1];
        assert_eq!(http.end, None, "in progress");
        assert_eq!(http.start, 1_795_860_000_200);
        assert_eq!(
            http.url.as_deref(),
            Some("https://crm.example.com/accounts/search")
        );
        assert_eq!(trace.calls[0].end, Some(1_795_860_000_094));
    }

    #[test]
    fn no_function_segment_is_no_trace_and_odd_documents_cost_only_themselves() {
        assert_eq!(parse_trace(&raw(&[SERVICE])), None);
        let trace = parse_trace(&raw(&["not json", "{\"origin\":7}", FUNCTION])).expect("read");
        assert_eq!(trace.calls.len(), 3);
        let odd = r#"{"origin":"AWS::Lambda::Function","subsegments":[{"name":"x"},{"name":"y","start_time":"soon"},{"name":"z","start_time":1e300}]}"#;
        assert_eq!(parse_trace(&raw(&[odd])).map(|t| t.calls.len()), Some(0));
    }
}
