//! Micro-benchmarks of the hot parsers: Connect entries/s, Lambda lines/s,
//! and the file reader's MB/s on a filter-log-events document.
//!
//! `cargo bench --bench parsers` (criterion; no plots).

use connect_timeouts::model::Origin;
use connect_timeouts::parse::connect::{parse_flow_entry, peek_flow_entry};
use connect_timeouts::parse::lambda::parse_lambda_line;
use connect_timeouts::source::files::{read_file, InputFile, RawEvent};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use std::io::Write;

const LAMBDA_BLOCK: &str = r#"{"Results":"The Lambda Function Returned An Error.","ContactId":"6ff6dced-2e28-446a-b191-f99287b76aad","ContactFlowId":"arn:aws:connect:us-east-1:123456789012:instance/0f3a7c52-2d1e-4a3b-9c4d-5e6f7a8b9c0d/contact-flow/de3ffaf3-cac6-4292-9936-b2b67827c32c","ContactFlowName":"Billing","ContactFlowModuleType":"InvokeExternalResource","Identifier":"Order status 3","Timestamp":"2026-11-28T00:56:28.034Z","Parameters":{"FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:order-status","Parameters":{"contactId":"6ff6dced-2e28-446a-b191-f99287b76aad","channel":"VOICE"},"ResponseValidation":"ResponseType=STRING_MAP","TimeLimit":"3000"}}"#;

const PLAY_PROMPT: &str = r#"{"Results":"Success","ContactId":"6ff6dced-2e28-446a-b191-f99287b76aad","ContactFlowId":"arn:aws:connect:us-east-1:123456789012:instance/0f3a7c52-2d1e-4a3b-9c4d-5e6f7a8b9c0d/contact-flow/de3ffaf3-cac6-4292-9936-b2b67827c32c","ContactFlowName":"Billing","ContactFlowModuleType":"PlayPrompt","Identifier":"PlayPrompt_5","Timestamp":"2026-11-28T00:56:28.610Z","Parameters":{"TextToSpeechType":"text","Text":"Please hold while we find your order.","Voice":"Joanna"}}"#;

const LAMBDA_LINES: [&str; 8] = [
    "START RequestId: e3ecc862-4da8-4fd9-ad40-68f163087f8d Version: $LATEST\n",
    "2026-11-28T00:56:28.100Z\te3ecc862-4da8-4fd9-ad40-68f163087f8d\tINFO\tLooking up customer by phone +15553381234\n",
    "[INFO]\t2026-11-28T00:56:28.200Z\te3ecc862-4da8-4fd9-ad40-68f163087f8d\tCache miss for key cust#3381234\n",
    "Returning attributes {\"isSuccess\":\"true\"}\n",
    "END RequestId: e3ecc862-4da8-4fd9-ad40-68f163087f8d\n",
    "REPORT RequestId: e3ecc862-4da8-4fd9-ad40-68f163087f8d\tDuration: 531.61 ms\tBilled Duration: 532 ms\tMemory Size: 512 MB\tMax Memory Used: 201 MB\t\n",
    r#"{"timestamp":"2026-11-28T00:56:28.182Z","level":"INFO","requestId":"58eeb757-eeed-450f-b05d-01ec538403a7","message":"DynamoDB GetItem customers took 50 ms"}"#,
    r#"{"time":"2026-11-28T00:56:28.470Z","type":"platform.report","record":{"requestId":"58eeb757-eeed-450f-b05d-01ec538403a7","metrics":{"durationMs":1233.96,"billedDurationMs":1234,"memorySizeMB":256,"maxMemoryUsedMB":123},"status":"success"}}"#,
];

fn origin() -> Origin {
    Origin {
        file: "bench".into(),
        line: 1,
    }
}

fn connect(c: &mut Criterion) {
    let mut g = c.benchmark_group("connect_entries");
    g.throughput(Throughput::Elements(1));
    g.bench_function("parse_flow_entry/lambda_block", |b| {
        b.iter(|| parse_flow_entry(black_box(LAMBDA_BLOCK), 0, origin()))
    });
    g.bench_function("parse_flow_entry/play_prompt", |b| {
        b.iter(|| parse_flow_entry(black_box(PLAY_PROMPT), 0, origin()))
    });
    g.bench_function("peek_flow_entry/play_prompt", |b| {
        b.iter(|| peek_flow_entry(black_box(PLAY_PROMPT), 0).map(|p| p.timestamp))
    });
    g.finish();
}

fn lambda(c: &mut Criterion) {
    let mut g = c.benchmark_group("lambda_lines");
    g.throughput(Throughput::Elements(LAMBDA_LINES.len() as u64));
    g.bench_function("parse_lambda_line/mix", |b| {
        b.iter(|| {
            for line in LAMBDA_LINES {
                black_box(parse_lambda_line(black_box(line)));
            }
        })
    });
    g.finish();
}

/// A pretty-printed filter-log-events document of Connect entries, as the
/// AWS CLI writes it.
fn document(events: usize) -> Vec<u8> {
    let mut out = b"{\n    \"events\": [\n".to_vec();
    for i in 0..events {
        let message = if i % 8 == 0 {
            LAMBDA_BLOCK
        } else {
            PLAY_PROMPT
        };
        let escaped = serde_json::to_string(message).expect("string");
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        write!(
            out,
            "        {{\n            \"logStreamName\": \"stream-1\",\n            \"timestamp\": {},\n            \"message\": {escaped},\n            \"ingestionTime\": {},\n            \"eventId\": \"{:056}\"\n        }}",
            1_795_824_000_000u64 + i as u64,
            1_795_824_000_500u64 + i as u64,
            i
        )
        .expect("write");
    }
    out.extend_from_slice(b"\n    ]\n}\n");
    out
}

fn reader(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("events.json");
    let bytes = document(20_000);
    std::fs::write(&path, &bytes).expect("write");
    let file = InputFile {
        path,
        display: "events.json".into(),
        group_hint: Some("/aws/connect/bench".into()),
    };
    let mut g = c.benchmark_group("file_reader");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.sample_size(20);
    g.bench_function("read_file/filter-log-events", |b| {
        b.iter(|| {
            let mut n = 0u64;
            read_file(&file, &mut |e: RawEvent<'_>| n += e.message.len() as u64).expect("read");
            n
        })
    });
    g.finish();
}

criterion_group!(benches, connect, lambda, reader);
criterion_main!(benches);
