//! Property tests: whatever bytes the logs hold, no parser panics, and
//! valid lines read back the fields they were built from.

use connect_timeouts::model::{LambdaRecord, Origin};
use connect_timeouts::parse::connect::parse_flow_entry;
use connect_timeouts::parse::invocations::{assemble_stream, StreamEvent, StreamId};
use connect_timeouts::parse::lambda::parse_lambda_line;
use connect_timeouts::redact::redact_text;
use connect_timeouts::source::files::{read_file, InputFile};
use proptest::prelude::*;

fn origin() -> Origin {
    Origin {
        file: "prop".into(),
        line: 1,
    }
}

/// Real lines from the reference, to mutate.
const REAL: [&str; 8] = [
    "START RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac Version: $LATEST",
    "REPORT RequestId: c793869b-ee49-115b-a5b6-4fd21e8dedac\tDuration: 128.83 ms\tBilled Duration: 200 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB\tInit Duration: 166.62 ms\t",
    "2024-03-04T17:22:38.033Z b70435cc-261c-4438-b9b6-efe4c8f04b21 Task timed out after 3.00 seconds",
    "INIT_REPORT Init Duration: 9999.79 ms\tPhase: init\tStatus: timeout",
    "{\"time\":\"2026-07-09T06:05:50.581Z\",\"type\":\"platform.report\",\"record\":{\"requestId\":\"aec7a529-47f9-4090-be01-c9ed91bf83cf\",\"metrics\":{\"durationMs\":5000.0,\"billedDurationMs\":5000,\"memorySizeMB\":128,\"maxMemoryUsedMB\":94},\"status\":\"timeout\"}}",
    "2019-06-07T19:11:20.562Z\tc793869b-ee49-115b-a5b6-4fd21e8dedac\tINFO\tENVIRONMENT VARIABLES",
    "{\"Results\":\"The Lambda Function Returned An Error.\",\"ContactId\":\"fba006bc-e6ed-4f17-b7a1-000000000000\",\"ContactFlowModuleType\":\"InvokeExternalResource\",\"Identifier\":\"0c51520c\",\"Timestamp\":\"2024-05-15T11:40:34.056Z\",\"Parameters\":{\"FunctionArn\":\"arn:aws:lambda:us-east-1:111122223333:function:f\",\"TimeLimit\":\"3000\"}}",
    "RequestId: c3252230-c73d-49f6-8844-968c01d1e2e1 Error: Runtime exited without providing a reason",
];

/// A real line with some bytes replaced, inserted or cut.
fn mutated() -> impl Strategy<Value = String> {
    (
        0..REAL.len(),
        proptest::collection::vec((any::<usize>(), any::<u8>(), 0..3u8), 0..6),
    )
        .prop_map(|(i, edits)| {
            let mut bytes = REAL[i].as_bytes().to_vec();
            for (at, byte, op) in edits {
                if bytes.is_empty() {
                    break;
                }
                let at = at % bytes.len();
                match op {
                    0 => bytes[at] = byte,
                    1 => bytes.insert(at, byte),
                    _ => bytes.truncate(at),
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn connect_parser_never_panics(text in any::<String>(), mutant in mutated()) {
        let _ = parse_flow_entry(&text, 0, origin());
        let _ = parse_flow_entry(&mutant, 0, origin());
    }

    #[test]
    fn lambda_parser_never_panics(text in any::<String>(), mutant in mutated()) {
        let _ = parse_lambda_line(&text);
        let _ = parse_lambda_line(&mutant);
    }

    #[test]
    fn assembly_never_panics_and_uses_each_line_once(lines in proptest::collection::vec((0i64..20_000, mutated()), 0..40)) {
        let id = StreamId { function: "f".into(), group: "/aws/lambda/f".into(), stream: "s".into() };
        let count = lines.len();
        let events = lines
            .into_iter()
            .enumerate()
            .map(|(seq, (t, raw))| StreamEvent {
                timestamp: t,
                seq: seq as u64,
                record: parse_lambda_line(&raw),
                raw,
            })
            .collect();
        let invocations = assemble_stream(&id, events);
        let mut used = 0;
        for inv in &invocations {
            // A request arrives at INIT_START (cold) or START, never after.
            prop_assert!(inv.arrival <= inv.start, "{:?}", inv);
            used += inv.init_lines.len() + inv.custom_lines.len() + inv.platform_lines.len();
        }
        prop_assert!(used <= count, "{} lines attributed from {} events", used, count);
    }

    #[test]
    fn report_lines_read_back_their_fields(
        id in "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        duration in 0.0f64..900_000.0,
        billed in 1u32..900_000,
        memory in 128u32..10_240,
        used in 1u32..10_240,
        init in proptest::option::of(0.0f64..20_000.0),
        status in proptest::option::of(prop_oneof![Just("timeout"), Just("error"), Just("success")]),
        sep in prop_oneof![Just("\t"), Just(" \t"), Just(" "), Just("   ")],
        trailing in prop_oneof![Just(""), Just("\t"), Just("\t\n"), Just("\n")],
    ) {
        let duration = (duration * 100.0).round() / 100.0;
        let mut line = format!(
            "REPORT RequestId: {id}{sep}Duration: {duration:.2} ms{sep}Billed Duration: {billed} ms{sep}Memory Size: {memory} MB{sep}Max Memory Used: {used} MB"
        );
        if let Some(init) = init {
            line.push_str(&format!("{sep}Init Duration: {init:.2} ms"));
        }
        if let Some(status) = status {
            line.push_str(&format!("{sep}Status: {status}"));
        }
        line.push_str(trailing);
        let LambdaRecord::Report(r) = parse_lambda_line(&line) else {
            return Err(TestCaseError::fail(format!("not a REPORT: {line:?}")));
        };
        prop_assert_eq!(r.request_id, id);
        prop_assert_eq!(r.duration_ms, Some(duration));
        prop_assert_eq!(r.billed_duration_ms, Some(f64::from(billed)));
        prop_assert_eq!(r.memory_size_mb, Some(f64::from(memory)));
        prop_assert_eq!(r.max_memory_used_mb, Some(f64::from(used)));
        prop_assert_eq!(r.init_duration_ms, init.map(|i| (i * 100.0).round() / 100.0));
        prop_assert_eq!(r.status.as_deref(), status);
    }

    #[test]
    fn flow_entries_read_back_their_fields(
        contact in "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        function in "[a-zA-Z0-9_-]{1,40}",
        qualifier in proptest::option::of("[a-z0-9]{1,10}"),
        limit in 1u32..=8u32,
        ms in 0u32..1000,
        results in proptest::option::of("[ -~]{0,60}"),
    ) {
        let arn = match &qualifier {
            Some(q) => format!("arn:aws:lambda:us-east-1:111122223333:function:{function}:{q}"),
            None => format!("arn:aws:lambda:us-east-1:111122223333:function:{function}"),
        };
        let mut entry = serde_json::json!({
            "ContactId": contact,
            "ContactFlowModuleType": "InvokeExternalResource",
            "Timestamp": format!("2026-11-28T10:00:00.{ms:03}Z"),
            "Parameters": {"FunctionArn": arn, "TimeLimit": (limit * 1000).to_string()},
        });
        if let Some(r) = &results {
            entry["Results"] = serde_json::Value::String(r.clone());
        } else {
            entry["ExternalResults"] = serde_json::json!({"ok": "true"});
        }
        let parsed = parse_flow_entry(&entry.to_string(), 0, origin()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&parsed.contact_id, &contact);
        prop_assert_eq!(parsed.timestamp, 1_795_860_000_000 + i64::from(ms));
        prop_assert_eq!(parsed.results.as_deref(), results.as_deref());
        prop_assert_eq!(parsed.is_failed_lambda_block(), results.is_some());
        let lambda = parsed.lambda.ok_or_else(|| TestCaseError::fail("not a Lambda block"))?;
        prop_assert_eq!(lambda.function_name, function);
        prop_assert_eq!(lambda.qualifier, qualifier);
        prop_assert_eq!(lambda.time_limit_ms, Some(limit * 1000));
    }

    #[test]
    fn file_reader_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048), prefix in prop_oneof![Just(&b""[..]), Just(&b"{\"events\":["[..]), Just(&b"{\"results\":[["[..]), Just(&b"{\"timestamp\":1,\"message\":\"x\"}\n"[..])]) {
        let dir = tempfile::tempdir().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let path = dir.path().join("input.json");
        let mut content = prefix.to_vec();
        content.extend(&bytes);
        std::fs::write(&path, &content).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let file = InputFile { path: path.clone(), display: "input.json".into(), group_hint: Some("/aws/lambda/f".into()) };
        let mut events = 0u64;
        if let Ok(summary) = read_file(&file, &mut |_| events += 1) {
            prop_assert_eq!(summary.events, events);
        }
    }

    #[test]
    fn redaction_never_panics_and_never_leaks_an_e164_number(
        before in "[ -~]{0,20}",
        digits in "[2-9][0-9]{9,13}",
        after in "[ -~]{0,20}",
    ) {
        let text = format!("{before} +{digits} {after}");
        let out = redact_text(&text);
        prop_assert!(!out.contains(&digits), "{} -> {}", text, out);
        let _ = redact_text(&before);
    }
}
