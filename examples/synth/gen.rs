//! The generator behind `examples/synth`: realistic Connect flow logs and
//! Lambda logs with injected failures of every class, written in the
//! offline layout with an `expected.json`.
//!
//! Traffic: contacts arrive about once a second; each runs 10–25 flow
//! blocks, 1–3 of them "Invoke AWS Lambda function" blocks over six
//! functions (Node and Python runtimes, text and JSON log formats, both
//! REPORT eras). Each function keeps a pool of execution environments (one
//! log stream each, one invocation at a time; idle ones are reclaimed, so
//! cold starts happen on their own). Connect's `Timestamp` marks a block's
//! start; the request arrives 20–80 ms later.
//!
//! Failures are made unambiguous under the engine's linking rules: two
//! failures of one function are at least `FAILURE_SPACING_MS` apart, and a
//! failure whose block has no failing invocation of its own (throttled, or
//! an unexplained quick success) gets a quiet zone with no other block of
//! that function, so no neighbour's invocation can be mistaken for it.
//!
//! Deterministic: one seeded PRNG drives everything, output is written in a
//! fixed order.

#![allow(dead_code)] // shared with tests/synth_accuracy.rs, which uses a subset

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    pub size_bytes: u64,
    pub seed: u64,
    /// Fraction of Lambda blocks that fail (before spacing rules).
    pub failure_rate: f64,
    /// A new file is started in a group once its current one is this big.
    pub part_bytes: u64,
    /// When the traffic starts (epoch ms).
    pub start_ms: i64,
    /// Contacts per hour (on average; arrivals are uniform between 0 and
    /// twice the mean gap, plus 50 ms).
    pub contacts_per_hour: u64,
    /// Stop after this long instead of at `size_bytes`.
    pub duration_ms: Option<i64>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            size_bytes: 100_000_000,
            seed: 7,
            failure_rate: 0.005,
            part_bytes: 64 << 20,
            start_ms: EPOCH_START,
            contacts_per_hour: 3_200,
            duration_ms: None,
        }
    }
}

/// One injected failure, as `expected.json` lists it.
#[derive(Debug, Clone)]
pub struct Expected {
    pub contact_id: String,
    pub identifier: String,
    pub timestamp: i64,
    pub function: String,
    pub class: &'static str,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub bytes: u64,
    pub contacts: u64,
    pub lambda_blocks: u64,
    pub connect_entries: u64,
    pub lambda_events: u64,
    pub duplicates: u64,
    pub failures: Vec<Expected>,
}

/// `5MB`, `1GB`, `4GB`, `1500000` (bytes; decimal units).
pub fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_uppercase();
    let (num, mult) = if let Some(n) = t.strip_suffix("GB") {
        (n, 1_000_000_000.0)
    } else if let Some(n) = t.strip_suffix("MB") {
        (n, 1_000_000.0)
    } else if let Some(n) = t.strip_suffix("KB") {
        (n, 1_000.0)
    } else {
        (t.as_str(), 1.0)
    };
    let v: f64 = num.trim().parse().ok()?;
    (v > 0.0).then_some((v * mult) as u64)
}

// ---------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------

/// SplitMix64: tiny, fast, good enough, and stable across platforms.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
    fn f64(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
    fn uuid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        uuid_of(a, b)
    }
    fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            let _ = write!(s, "{:016x}", self.next());
        }
        s.truncate(n);
        s
    }
}

// ---------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------

/// 2026-11-28T00:00:00Z (the default start).
pub const EPOCH_START: i64 = 1_795_824_000_000;

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn iso(ms: i64) -> String {
    let mut s = String::with_capacity(24);
    push_iso(&mut s, ms);
    s
}

fn push_iso(s: &mut String, ms: i64) {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, mi, sec, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    let _ = write!(
        s,
        "{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{sec:02}.{milli:03}Z"
    );
}

/// Howard Hinnant's days-to-civil.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn date_path(ms: i64) -> String {
    let (y, m, d) = civil_from_days(ms.div_euclid(86_400_000));
    format!("{y:04}/{m:02}/{d:02}")
}

// ---------------------------------------------------------------------------
// The functions
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq)]
enum Runtime {
    Node,
    Python,
}

#[derive(Clone, Copy, PartialEq)]
enum FileFormat {
    FilterLogEvents,
    Ndjson,
}

struct FnSpec {
    name: &'static str,
    runtime: Runtime,
    /// `LoggingConfig.LogFormat = JSON`.
    json: bool,
    /// New-era REPORT lines (`Status: timeout`) rather than `Task timed out`.
    new_era: bool,
    /// The handler logs `Details.ContactData.ContactId`.
    logs_contact: bool,
    alias: Option<&'static str>,
    limits: &'static [u32],
    memory: u32,
    file_format: FileFormat,
    /// Python handlers that use bare print() for some lines.
    prints: bool,
}

const FUNCTIONS: [FnSpec; 6] = [
    FnSpec {
        name: "crm-lookup",
        runtime: Runtime::Node,
        json: false,
        new_era: true,
        logs_contact: true,
        alias: Some("live"),
        limits: &[3000, 5000],
        memory: 256,
        file_format: FileFormat::FilterLogEvents,
        prints: false,
    },
    FnSpec {
        name: "order-status",
        runtime: Runtime::Python,
        json: false,
        new_era: false,
        logs_contact: false,
        alias: None,
        limits: &[3000, 8000],
        memory: 512,
        file_format: FileFormat::FilterLogEvents,
        prints: true,
    },
    FnSpec {
        name: "payment-gw",
        runtime: Runtime::Node,
        json: true,
        new_era: true,
        logs_contact: true,
        alias: Some("prod"),
        limits: &[5000, 8000],
        memory: 1024,
        file_format: FileFormat::Ndjson,
        prints: false,
    },
    FnSpec {
        name: "queue-router",
        runtime: Runtime::Python,
        json: true,
        new_era: true,
        logs_contact: false,
        alias: None,
        limits: &[3000, 4000],
        memory: 256,
        file_format: FileFormat::FilterLogEvents,
        prints: false,
    },
    FnSpec {
        name: "survey-writer",
        runtime: Runtime::Python,
        json: false,
        new_era: true,
        logs_contact: false,
        alias: None,
        limits: &[3000, 4000],
        memory: 128,
        file_format: FileFormat::Ndjson,
        prints: true,
    },
    FnSpec {
        name: "auth-check",
        runtime: Runtime::Node,
        json: false,
        new_era: false,
        logs_contact: true,
        alias: None,
        limits: &[2000, 3000],
        memory: 128,
        file_format: FileFormat::FilterLogEvents,
        prints: false,
    },
];

const REGION: &str = "us-east-1";
const ACCOUNT: &str = "123456789012";
const ALIAS: &str = "acme-contact-center";
const INSTANCE: &str = "0f3a7c52-2d1e-4a3b-9c4d-5e6f7a8b9c0d";

/// Two failures of one function are at least this far apart.
const FAILURE_SPACING_MS: i64 = 40_000;
/// Around a throttled or unexplained failure: no other block of its function.
const QUIET_MS: i64 = 1_500;
/// Idle environments are reclaimed after this.
const ENV_IDLE_MS: i64 = 8 * 60_000;

// ---------------------------------------------------------------------------
// Failure classes
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Ok,
    Stall,
    Slow,
    ColdStart,
    Misconfigured,
    FunctionError,
    InitTimeout,
    Throttled,
    AccessDenied,
    Unexplained,
}

impl Kind {
    pub fn class(self) -> &'static str {
        match self {
            Kind::Ok => "ok",
            Kind::Stall => "downstream_stall",
            Kind::Slow => "slow",
            Kind::ColdStart => "cold_start",
            Kind::Misconfigured => "misconfigured_timeout",
            Kind::FunctionError => "function_error",
            Kind::InitTimeout => "init_timeout",
            Kind::Throttled => "throttled",
            Kind::AccessDenied => "access_denied",
            Kind::Unexplained => "unexplained",
        }
    }
    fn needs_quiet(self) -> bool {
        matches!(self, Kind::Throttled | Kind::Unexplained)
    }
}

/// Known proportions of the failure classes (weights).
const MIX: [(Kind, u32); 9] = [
    (Kind::Stall, 22),
    (Kind::Slow, 12),
    (Kind::ColdStart, 15),
    (Kind::Misconfigured, 10),
    (Kind::FunctionError, 15),
    (Kind::InitTimeout, 6),
    (Kind::Throttled, 8),
    (Kind::AccessDenied, 6),
    (Kind::Unexplained, 6),
];

fn pick_kind(rng: &mut Rng) -> Kind {
    let total: u32 = MIX.iter().map(|m| m.1).sum();
    let mut r = (rng.next() % u64::from(total)) as u32;
    for (kind, w) in MIX {
        if r < w {
            return kind;
        }
        r -= w;
    }
    Kind::Stall
}

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

struct Ev {
    ts: i64,
    seq: u64,
    stream: u32,
    msg: String,
}

/// One log group: buffered events (flushed in time order) and its files.
struct Group {
    dir: PathBuf,
    format: FileFormat,
    streams: Vec<String>,
    pending: Vec<Ev>,
    file: Option<BufWriter<File>>,
    file_bytes: u64,
    part: u32,
    scratch: Vec<u8>,
}

impl Group {
    fn new(dir: PathBuf, format: FileFormat) -> Self {
        Group {
            dir,
            format,
            streams: Vec::new(),
            pending: Vec::new(),
            file: None,
            file_bytes: 0,
            part: 0,
            scratch: Vec::with_capacity(4096),
        }
    }

    fn stream(&mut self, name: String) -> u32 {
        self.streams.push(name);
        (self.streams.len() - 1) as u32
    }

    /// Write every pending event before `horizon`, in time order.
    fn flush_before(
        &mut self,
        horizon: i64,
        part_bytes: u64,
        seq_base: &mut u64,
    ) -> io::Result<u64> {
        if self.pending.is_empty() {
            return Ok(0);
        }
        self.pending.sort_unstable_by_key(|e| (e.ts, e.seq));
        let cut = self.pending.partition_point(|e| e.ts < horizon);
        let ready: Vec<Ev> = self.pending.drain(..cut).collect();
        let mut written = 0;
        for ev in ready {
            written += self.write(&ev, part_bytes, seq_base)?;
        }
        Ok(written)
    }

    fn write(&mut self, ev: &Ev, part_bytes: u64, seq_base: &mut u64) -> io::Result<u64> {
        let mut out = std::mem::take(&mut self.scratch);
        out.clear();
        if self.file.is_none() {
            fs::create_dir_all(&self.dir)?;
            let name = match self.format {
                FileFormat::FilterLogEvents => format!("events-{:04}.json", self.part),
                FileFormat::Ndjson => format!("events-{:04}.ndjson", self.part),
            };
            self.part += 1;
            self.file = Some(BufWriter::with_capacity(
                1 << 20,
                File::create(self.dir.join(name))?,
            ));
            self.file_bytes = 0;
            if self.format == FileFormat::FilterLogEvents {
                out.extend_from_slice(b"{\n    \"events\": [\n");
            }
        } else if self.format == FileFormat::FilterLogEvents {
            out.extend_from_slice(b",\n");
        }
        let stream = &self.streams[ev.stream as usize];
        *seq_base += 1;
        match self.format {
            FileFormat::FilterLogEvents => {
                out.extend_from_slice(b"        {\n            \"logStreamName\": \"");
                escape_into(&mut out, stream);
                out.extend_from_slice(b"\",\n            \"timestamp\": ");
                push_int(&mut out, ev.ts);
                out.extend_from_slice(b",\n            \"message\": \"");
                escape_into(&mut out, &ev.msg);
                out.extend_from_slice(b"\",\n            \"ingestionTime\": ");
                push_int(&mut out, ev.ts + 150 + (*seq_base % 700) as i64);
                out.extend_from_slice(b",\n            \"eventId\": \"");
                // 56 digits, as CloudWatch's: time, then a sequence.
                let id = format!("{:0>20}{:0>36}", ev.ts, *seq_base);
                out.extend_from_slice(id.as_bytes());
                out.extend_from_slice(b"\"\n        }");
            }
            FileFormat::Ndjson => {
                out.extend_from_slice(b"{\"timestamp\":");
                push_int(&mut out, ev.ts);
                out.extend_from_slice(b",\"logStream\":\"");
                escape_into(&mut out, stream);
                out.extend_from_slice(b"\",\"message\":\"");
                escape_into(&mut out, &ev.msg);
                out.extend_from_slice(b"\"}\n");
            }
        }
        let n = out.len() as u64;
        let file = self.file.as_mut().expect("opened above");
        file.write_all(&out)?;
        self.file_bytes += n;
        self.scratch = out;
        let mut total = n;
        if self.file_bytes >= part_bytes {
            total += self.close()?;
        }
        Ok(total)
    }

    fn close(&mut self) -> io::Result<u64> {
        let Some(mut file) = self.file.take() else {
            return Ok(0);
        };
        let tail: &[u8] = match self.format {
            FileFormat::FilterLogEvents => b"\n    ],\n    \"searchedLogStreams\": []\n}\n",
            FileFormat::Ndjson => b"",
        };
        file.write_all(tail)?;
        file.flush()?;
        Ok(tail.len() as u64)
    }
}

fn push_int(out: &mut Vec<u8>, v: i64) {
    let mut buf = [0u8; 24];
    let mut i = buf.len();
    let neg = v < 0;
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if neg {
        i -= 1;
        buf[i] = b'-';
    }
    out.extend_from_slice(&buf[i..]);
}

/// JSON string escaping (the text goes between quotes).
fn escape_into(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\t' => b"\\t",
            b'\r' => b"\\r",
            0..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                let _ = write!(out, "\\u{b:04x}");
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(esc);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// A string as a JSON string literal, quotes included.
fn js(s: &str) -> String {
    let mut v = Vec::with_capacity(s.len() + 2);
    v.push(b'"');
    escape_into(&mut v, s);
    v.push(b'"');
    String::from_utf8(v).expect("escaping keeps UTF-8")
}

// ---------------------------------------------------------------------------
// Lambda environments and invocations
// ---------------------------------------------------------------------------

struct Env {
    stream: u32,
    busy_until: i64,
}

struct FnState {
    group: usize,
    envs: Vec<Env>,
    last_failure: i64,
    /// Recent block times (for quiet zones), and quiet zones themselves.
    recent_blocks: Vec<i64>,
    quiet: Vec<(i64, i64)>,
    version: &'static str,
}

/// What one invocation looks like, decided before its lines are written.
struct Plan {
    cold_init_ms: Option<f64>,
    init_timeout: bool,
    duration_ms: f64,
    /// Custom lines as offsets from START.
    lines: Vec<i64>,
    outcome: Outcome,
    /// Function timeout in seconds (for timeouts).
    timeout_s: u32,
    stall_call: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Outcome {
    Success,
    Timeout,
    Error,
}

struct Gen<'a> {
    cfg: &'a Config,
    rng: Rng,
    groups: Vec<Group>,
    fns: Vec<FnState>,
    connect_group: usize,
    connect_streams: Vec<u32>,
    seq: u64,
    id_seq: u64,
    bytes: u64,
    summary: Summary,
    flows: Vec<(String, String)>,
    /// Failure classes drawn when no quiet moment was possible.
    owed: Vec<Kind>,
}

/// Generate into `out` (created if missing). Existing files of the same
/// names are overwritten.
pub fn generate(out: &Path, cfg: &Config) -> io::Result<Summary> {
    fs::create_dir_all(out)?;
    let mut rng = Rng(cfg.seed ^ 0x5EED_CAFE_F00D_D00D);
    let mut groups = Vec::new();
    let mut connect = Group::new(
        out.join("aws/connect").join(ALIAS),
        FileFormat::FilterLogEvents,
    );
    let connect_streams = (0..4)
        .map(|i| {
            connect.stream(format!(
                "{INSTANCE}_{}_{i}",
                date_path(cfg.start_ms).replace('/', "-")
            ))
        })
        .collect();
    groups.push(connect);
    let mut fns = Vec::new();
    for spec in &FUNCTIONS {
        groups.push(Group::new(
            out.join("aws/lambda").join(spec.name),
            spec.file_format,
        ));
        fns.push(FnState {
            group: groups.len() - 1,
            envs: Vec::new(),
            last_failure: i64::MIN / 2,
            recent_blocks: Vec::new(),
            quiet: Vec::new(),
            version: if spec.alias.is_some() { "7" } else { "$LATEST" },
        });
    }
    let flows = (0..5)
        .map(|i| {
            let name = [
                "Main IVR",
                "Billing",
                "Order status",
                "Callback",
                "After hours",
            ][i];
            let arn = format!(
                "arn:aws:connect:{REGION}:{ACCOUNT}:instance/{INSTANCE}/contact-flow/{}",
                rng.uuid()
            );
            (name.to_string(), arn)
        })
        .collect();
    let mut g = Gen {
        cfg,
        rng,
        groups,
        fns,
        connect_group: 0,
        connect_streams,
        seq: 0,
        id_seq: 0,
        bytes: 0,
        summary: Summary::default(),
        flows,
        owed: Vec::new(),
    };
    // Environments already warm when the export starts.
    for f in 0..FUNCTIONS.len() {
        for _ in 0..3 {
            let stream = g.new_stream(f, cfg.start_ms - 3_600_000);
            g.fns[f].envs.push(Env {
                stream,
                busy_until: cfg.start_ms - 60_000,
            });
        }
    }
    let mut t = cfg.start_ms;
    let mut last_flush = t;
    let mut seq_base = 0u64;
    // The default 3,200 an hour is the historical 50..2200 ms gap.
    let mean_gap = 3_600_000 / cfg.contacts_per_hour.max(1) as i64;
    let gap_max = (2 * mean_gap - 50).max(51);
    let more = |g: &Gen, t: i64| match cfg.duration_ms {
        Some(d) => t < cfg.start_ms + d,
        None => g.bytes + g.pending_bytes_estimate() < cfg.size_bytes,
    };
    while more(&g, t) {
        t += g.rng.range(50, gap_max);
        g.contact(t);
        if t - last_flush > 30_000 {
            for grp in &mut g.groups {
                g.bytes += grp.flush_before(t, cfg.part_bytes, &mut seq_base)?;
            }
            last_flush = t;
            prune(&mut g.fns, t);
        }
    }
    for grp in &mut g.groups {
        g.bytes += grp.flush_before(i64::MAX, cfg.part_bytes, &mut seq_base)?;
        g.bytes += grp.close()?;
    }
    g.summary.bytes = g.bytes;
    write_expected(out, cfg, &g.summary)?;
    Ok(g.summary)
}

fn prune(fns: &mut [FnState], now: i64) {
    for f in fns {
        f.recent_blocks.retain(|&b| b >= now - 2 * QUIET_MS);
        f.quiet.retain(|&(_, hi)| hi >= now - QUIET_MS);
        f.envs.retain(|e| e.busy_until >= now - ENV_IDLE_MS);
    }
}

fn write_expected(out: &Path, cfg: &Config, s: &Summary) -> io::Result<()> {
    let mut by_class: BTreeMap<&str, u64> = BTreeMap::new();
    for f in &s.failures {
        *by_class.entry(f.class).or_default() += 1;
    }
    let mut text = String::new();
    let _ = writeln!(text, "{{");
    let _ = writeln!(text, "  \"generator\": \"examples/synth\",");
    let _ = writeln!(text, "  \"seed\": {},", cfg.seed);
    let _ = writeln!(text, "  \"size_bytes\": {},", s.bytes);
    let _ = writeln!(text, "  \"contacts\": {},", s.contacts);
    let _ = writeln!(text, "  \"lambda_blocks\": {},", s.lambda_blocks);
    let _ = writeln!(text, "  \"connect_entries\": {},", s.connect_entries);
    let _ = writeln!(text, "  \"lambda_events\": {},", s.lambda_events);
    let _ = writeln!(text, "  \"duplicates\": {},", s.duplicates);
    let classes: Vec<String> = by_class
        .iter()
        .map(|(c, n)| format!("{}: {n}", js(c)))
        .collect();
    let _ = writeln!(text, "  \"by_class\": {{{}}},", classes.join(", "));
    let _ = writeln!(text, "  \"failures\": [");
    for (i, f) in s.failures.iter().enumerate() {
        let _ = writeln!(
            text,
            "    {{\"contact_id\": {}, \"block_identifier\": {}, \"timestamp\": {}, \"function\": {}, \"class\": {}}}{}",
            js(&f.contact_id),
            js(&f.identifier),
            js(&iso(f.timestamp)),
            js(&f.function),
            js(f.class),
            if i + 1 < s.failures.len() { "," } else { "" }
        );
    }
    let _ = writeln!(text, "  ]");
    let _ = writeln!(text, "}}");
    fs::write(out.join("expected.json"), text)
}

/// Non-Lambda block types with their parameters and results.
const BLOCKS: [&str; 12] = [
    "SetAttributes",
    "CheckAttribute",
    "PlayPrompt",
    "GetUserInput",
    "SetFlowAttributes",
    "InvokeFlowModule",
    "SetQueue",
    "SetContactFlow",
    "TagContact",
    "SetRecordingBehavior",
    "SetVoice",
    "CheckHoursOfOperation",
];

const LAMBDA_LABELS: [&str; 6] = [
    "CRM lookup",
    "Order status",
    "Take payment",
    "Route to queue",
    "Write survey",
    "Authenticate caller",
];

impl Gen<'_> {
    fn pending_bytes_estimate(&self) -> u64 {
        self.groups
            .iter()
            .map(|g| g.pending.len() as u64 * 330)
            .sum()
    }

    fn new_stream(&mut self, f: usize, at: i64) -> u32 {
        let name = format!(
            "{}/[{}]{}",
            date_path(at),
            self.fns[f].version,
            self.rng.hex(32)
        );
        let group = self.fns[f].group;
        self.groups[group].stream(name)
    }

    fn emit(&mut self, group: usize, stream: u32, ts: i64, msg: String) {
        self.seq += 1;
        if group == self.connect_group {
            self.summary.connect_entries += 1;
        } else {
            self.summary.lambda_events += 1;
        }
        self.groups[group].pending.push(Ev {
            ts,
            seq: self.seq,
            stream,
            msg,
        });
    }

    /// One contact: its flow entries and the Lambda invocations they cause.
    fn contact(&mut self, start: i64) {
        self.summary.contacts += 1;
        let contact_id = self.rng.uuid();
        let flow = self.rng.range(0, self.flows.len() as i64 - 1) as usize;
        let n = self.rng.range(10, 25) as usize;
        let lambdas = self.rng.range(1, 3) as usize;
        // Positions of the Lambda blocks: after the first two entries.
        let mut lambda_at: Vec<usize> = Vec::new();
        while lambda_at.len() < lambdas {
            let p = self.rng.range(2, n as i64 - 2) as usize;
            if !lambda_at.contains(&p) {
                lambda_at.push(p);
            }
        }
        let conn_stream = *self.rng.pick(&self.connect_streams.clone());
        let mut t = start;
        let mut used_fns: Vec<usize> = Vec::new();
        let mut failed = false;
        let mut lambda_no = 0;
        for i in 0..n {
            if failed && i + 3 < n {
                // The error branch: apologise and transfer, then the contact ends.
                let msg = self.plain_entry(&contact_id, flow, "PlayPrompt", t, Some("Success"));
                self.connect_entry(conn_stream, t, msg);
                t += self.rng.range(2000, 5000);
                let msg = self.plain_entry(&contact_id, flow, "Transfer", t, Some("false"));
                self.connect_entry(conn_stream, t, msg);
                break;
            }
            if i == 0 {
                let msg = self.plain_entry(&contact_id, flow, "SetLoggingBehavior", t, None);
                self.connect_entry(conn_stream, t, msg);
                t += self.rng.range(3, 20);
                continue;
            }
            if lambda_at.contains(&i) {
                lambda_no += 1;
                let (next, f) =
                    self.lambda_block(&contact_id, flow, conn_stream, t, &used_fns, lambda_no);
                used_fns.push(f.0);
                failed = f.1;
                t = next;
                continue;
            }
            let kind = *self.rng.pick(&BLOCKS);
            let results = match kind {
                "CheckAttribute" | "CheckHoursOfOperation" => Some(if self.rng.chance(0.5) {
                    "true"
                } else {
                    "false"
                }),
                "PlayPrompt" => Some("Success"),
                "GetUserInput" => Some(*self.rng.pick(&["1", "2", "3", "Timeout", "NoMatch"])),
                _ => None,
            };
            let msg = self.plain_entry(&contact_id, flow, kind, t, results);
            self.connect_entry(conn_stream, t, msg);
            t += match kind {
                "PlayPrompt" => self.rng.range(800, 6000),
                "GetUserInput" => self.rng.range(1500, 8000),
                _ => self.rng.range(3, 250),
            };
        }
    }

    /// Write a Connect entry (sometimes twice: at-least-once delivery).
    fn connect_entry(&mut self, stream: u32, t: i64, msg: String) {
        if self.rng.chance(0.004) {
            self.summary.duplicates += 1;
            let later = t + self.rng.range(0, 1500);
            self.emit(self.connect_group, stream, later, msg.clone());
        }
        self.emit(self.connect_group, stream, t, msg);
    }

    fn flow_fields(&self, contact_id: &str, flow: usize) -> String {
        let (name, arn) = &self.flows[flow];
        format!(
            "\"ContactId\":{},\"ContactFlowId\":{},\"ContactFlowName\":{}",
            js(contact_id),
            js(arn),
            js(name)
        )
    }

    fn plain_entry(
        &mut self,
        contact_id: &str,
        flow: usize,
        kind: &str,
        t: i64,
        results: Option<&str>,
    ) -> String {
        let params = match kind {
            "SetLoggingBehavior" => "{\"LoggingBehavior\":\"Enable\"}".to_string(),
            "SetAttributes" => format!(
                "{{\"Value\":\"{}\",\"Key\":\"{}\"}}",
                self.rng.pick(&["Chat", "Voice", "Premium", "en-US"]),
                self.rng.pick(&["ContactFlow", "Segment", "Language"])
            ),
            "CheckAttribute" => "{\"Value\":\"VOICE\",\"SecondValue\":\"CHAT\",\"ComparisonMethod\":\"Equals\"}".into(),
            "PlayPrompt" => format!(
                "{{\"TextToSpeechType\":\"text\",\"Text\":\"{}\",\"Voice\":\"Joanna\"}}",
                self.rng.pick(&[
                    "Welcome to Acme. Calls may be recorded.",
                    "Please hold while we find your order.",
                    "Sorry, something went wrong. Let me transfer you to an agent.",
                    "Thank you for calling."
                ])
            ),
            "GetUserInput" => "{\"Text\":\"Press 1 for orders, 2 for billing, 3 for anything else.\",\"Timeout\":\"8\",\"MaxDigits\":\"1\"}".into(),
            "SetQueue" => format!(
                "{{\"Queue\":\"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{INSTANCE}/queue/{}\"}}",
                self.rng.uuid()
            ),
            "TagContact" => "{\"Tags\":{\"Channel\":\"VOICE\",\"Center\":\"NYC\"}}".into(),
            "InvokeFlowModule" => format!("{{\"FlowModuleId\":\"{}\"}}", self.rng.uuid()),
            _ => "{}".into(),
        };
        let mut s = String::with_capacity(400);
        if let Some(r) = results {
            let _ = write!(s, "{{\"Results\":{},", js(r));
        } else {
            s.push('{');
        }
        s.push_str(&self.flow_fields(contact_id, flow));
        let ident = if self.rng.chance(0.5) {
            self.rng.uuid()
        } else {
            format!("{kind}_{}", self.rng.range(1, 9))
        };
        let _ = write!(
            s,
            ",\"ContactFlowModuleType\":{},\"Identifier\":{},\"Timestamp\":\"{}\",\"Parameters\":{}}}",
            js(kind),
            js(&ident),
            iso(t),
            params
        );
        s
    }

    /// One Lambda block at `t`: its Connect entry and its invocation(s).
    /// Returns when the contact moves on, and (function, failed).
    fn lambda_block(
        &mut self,
        contact_id: &str,
        flow: usize,
        conn_stream: u32,
        t: i64,
        used: &[usize],
        lambda_no: usize,
    ) -> (i64, (usize, bool)) {
        let mut f = self.rng.range(0, FUNCTIONS.len() as i64 - 1) as usize;
        // Stay out of quiet zones: move the call to another function.
        for _ in 0..FUNCTIONS.len() {
            if !self.in_quiet(f, t) {
                break;
            }
            f = (f + 1) % FUNCTIONS.len();
        }
        let _ = used;
        let spec = &FUNCTIONS[f];
        let mut kind = Kind::Ok;
        let spaced = t - self.fns[f].last_failure >= FAILURE_SPACING_MS;
        if spaced && !self.owed.is_empty() && self.quiet_possible(f, t) {
            // A class that needed a quiet moment, owed since then.
            kind = self.owed.remove(0);
        } else if spaced && self.rng.chance(self.cfg.failure_rate) {
            kind = pick_kind(&mut self.rng);
            if kind.needs_quiet() && !self.quiet_possible(f, t) {
                self.owed.push(kind);
                kind = Kind::Ok;
            }
        }
        let mut limit = *self.rng.pick(spec.limits);
        match kind {
            Kind::Misconfigured | Kind::InitTimeout => {
                limit = *self.rng.pick(&[6000u32, 7000, 8000])
            }
            // A long success must not fit another block of the function
            // with a longer limit: use the function's longest.
            Kind::ColdStart | Kind::Stall | Kind::Slow => {
                limit = spec.limits.iter().copied().max().unwrap_or(3000).max(3000)
            }
            _ => {}
        }
        self.summary.lambda_blocks += 1;
        self.fns[f].recent_blocks.push(t);
        if kind != Kind::Ok {
            self.fns[f].last_failure = t;
            if kind.needs_quiet() {
                self.fns[f].quiet.push((t - QUIET_MS, t + QUIET_MS));
            }
        }
        // A block keeps its Identifier across contacts, as in a real flow:
        // its label when it has one (most), else its fixed block UUID.
        let identifier = block_identifier(f, lambda_no);
        let arrival = t + self.rng.range(20, 80);
        let (done, results): (i64, Option<String>) = match kind {
            Kind::Throttled => (
                t + self.rng.range(200, i64::from(limit)),
                Some(format!(
                    "Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException; Request ID: {})",
                    self.rng.uuid()
                )),
            ),
            Kind::AccessDenied => (
                t + self.rng.range(20, 60),
                Some(format!(
                    "Status Code: 403; Error Code: AccessDeniedException; RequestId: {}",
                    self.rng.uuid()
                )),
            ),
            _ => {
                let end = self.invoke(f, kind, contact_id, arrival, limit);
                if kind == Kind::Ok {
                    (end + self.rng.range(5, 30), None)
                } else if kind == Kind::Unexplained {
                    (end + self.rng.range(5, 30), Some("The Lambda Function Returned An Error.".into()))
                } else {
                    // Connect gave up at the limit, or after the last retry's error.
                    let gave_up = t + i64::from(limit) + self.rng.range(5, 40);
                    (end.min(gave_up).max(t + 50), Some("The Lambda Function Returned An Error.".into()))
                }
            }
        };
        let arn = match spec.alias {
            Some(a) => format!(
                "arn:aws:lambda:{REGION}:{ACCOUNT}:function:{}:{a}",
                spec.name
            ),
            None => format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{}", spec.name),
        };
        let mut s = String::with_capacity(700);
        s.push('{');
        if let Some(r) = &results {
            let _ = write!(s, "\"Results\":{},", js(r));
        }
        s.push_str(&self.flow_fields(contact_id, flow));
        let _ = write!(
            s,
            ",\"ContactFlowModuleType\":\"InvokeExternalResource\",\"Identifier\":{},\"Timestamp\":\"{}\"",
            js(&identifier),
            iso(t)
        );
        if results.is_none() {
            let _ = write!(
                s,
                ",\"ExternalResults\":{{\"isSuccess\":\"true\",\"customerTier\":\"{}\",\"requestedAt\":\"{}\"}}",
                self.rng.pick(&["gold", "silver", "standard"]),
                iso(done)
            );
        }
        let _ = write!(
            s,
            ",\"Parameters\":{{\"FunctionArn\":{},\"Parameters\":{{\"contactId\":{},\"channel\":\"VOICE\"}},\"ResponseValidation\":\"ResponseType=STRING_MAP\",\"TimeLimit\":\"{limit}\"}}}}",
            js(&arn),
            js(contact_id)
        );
        self.connect_entry(conn_stream, t, s);
        if kind != Kind::Ok {
            self.summary.failures.push(Expected {
                contact_id: contact_id.to_string(),
                identifier,
                timestamp: t,
                function: spec.name.to_string(),
                class: kind.class(),
            });
        }
        (done, (f, kind != Kind::Ok))
    }

    fn in_quiet(&self, f: usize, t: i64) -> bool {
        self.fns[f].quiet.iter().any(|&(lo, hi)| t >= lo && t <= hi)
    }

    fn quiet_possible(&self, f: usize, t: i64) -> bool {
        !self.fns[f]
            .recent_blocks
            .iter()
            .any(|&b| (b - t).abs() <= QUIET_MS)
    }

    /// An environment for a request at `at`: the most recently used free
    /// one, else a new (cold) one. `warm` forces a pre-existing one.
    fn env_for(&mut self, f: usize, at: i64, want: EnvWant) -> (usize, bool) {
        if want != EnvWant::Cold {
            let best = self.fns[f]
                .envs
                .iter()
                .enumerate()
                .filter(|(_, e)| e.busy_until < at - 5)
                .max_by_key(|(_, e)| e.busy_until)
                .map(|(i, _)| i);
            if let Some(i) = best {
                return (i, false);
            }
        }
        let stream = self.new_stream(f, at);
        self.fns[f].envs.push(Env {
            stream,
            busy_until: at,
        });
        (self.fns[f].envs.len() - 1, want != EnvWant::Warm)
    }

    /// Write one block's invocation(s); returns when the last one ended.
    fn invoke(&mut self, f: usize, kind: Kind, contact_id: &str, arrival: i64, limit: u32) -> i64 {
        let l = i64::from(limit);
        let want = match kind {
            Kind::ColdStart | Kind::InitTimeout => EnvWant::Cold,
            Kind::Ok => EnvWant::Any,
            _ => EnvWant::Warm,
        };
        let (env, cold) = self.env_for(f, arrival, want);
        let mut plan = match kind {
            Kind::Ok | Kind::Unexplained => {
                let init = cold.then(|| self.rng.range(150, 700) as f64 + self.frac());
                let budget = l - 400 - init.map_or(0, |i| i as i64);
                let d = self.rng.range(15, budget.clamp(30, 900)) as f64 + self.frac();
                self.plan_steady(init, d, 0)
            }
            Kind::Stall => {
                let n = self.rng.range(2, 4);
                let mut lines: Vec<i64> = (0..n).map(|_| self.rng.range(5, 300)).collect();
                lines.sort_unstable();
                let timeout_s = *self.rng.pick(&[10u32, 15, 30]);
                let (d, outcome) = if self.rng.chance(0.5) {
                    (
                        f64::from(timeout_s) * 1000.0 + self.rng.range(0, 40) as f64 / 10.0,
                        Outcome::Timeout,
                    )
                } else {
                    (
                        (l + self.rng.range(500, 3000)) as f64 + self.frac(),
                        Outcome::Success,
                    )
                };
                Plan {
                    cold_init_ms: None,
                    init_timeout: false,
                    duration_ms: d,
                    lines,
                    outcome,
                    timeout_s,
                    stall_call: true,
                }
            }
            Kind::Slow => {
                let d = (l + self.rng.range(300, 2000)) as f64 + self.frac();
                let mut lines = Vec::new();
                let mut at = self.rng.range(20, 100);
                while (at as f64) < d - 50.0 {
                    lines.push(at);
                    at += self.rng.range(300, 450);
                }
                Plan {
                    cold_init_ms: None,
                    init_timeout: false,
                    duration_ms: d,
                    lines,
                    outcome: Outcome::Success,
                    timeout_s: 30,
                    stall_call: false,
                }
            }
            Kind::ColdStart => {
                let i = self.rng.range(1500, 4000.min(l - 300)) as f64 + self.frac();
                let extra = self.rng.range(200, (i as i64 - 300).min(1500));
                let d = (l - i as i64 + extra) as f64 + self.frac();
                self.plan_steady(Some(i), d, 400)
            }
            Kind::Misconfigured => {
                let d = 3000.0 + self.rng.range(0, 40) as f64 / 10.0;
                let mut p = self.plan_steady(None, d, 0);
                p.lines.retain(|&x| x < 2500);
                p.outcome = Outcome::Timeout;
                p.timeout_s = 3;
                p
            }
            Kind::FunctionError => {
                let d = self.rng.range(80, 900) as f64 + self.frac();
                let mut p = self.plan_steady(None, d, 0);
                p.outcome = Outcome::Error;
                p
            }
            Kind::InitTimeout => Plan {
                cold_init_ms: Some(9_999.0 + self.rng.range(0, 800) as f64 / 100.0),
                init_timeout: true,
                duration_ms: 3000.0 + self.rng.range(0, 40) as f64 / 10.0,
                lines: Vec::new(),
                outcome: Outcome::Timeout,
                timeout_s: 3,
                stall_call: false,
            },
            Kind::Throttled | Kind::AccessDenied => unreachable!("no invocation"),
        };
        let mut end = self.write_invocation(f, env, cold, arrival, &mut plan, contact_id);
        // Connect retries an error within the block's limit.
        let retries = match kind {
            Kind::FunctionError => self.rng.range(1, 3),
            Kind::Misconfigured => self.rng.range(0, 2),
            _ => 0,
        };
        for _ in 0..retries {
            let next = end + self.rng.range(20, 60);
            let mut p = if kind == Kind::FunctionError {
                let d = self.rng.range(80, 900) as f64 + self.frac();
                let mut p = self.plan_steady(None, d, 0);
                p.outcome = Outcome::Error;
                if next + d as i64 >= arrival + l - 100 {
                    break;
                }
                p
            } else {
                if next > arrival + l - 200 {
                    break;
                }
                let d = 3000.0 + self.rng.range(0, 40) as f64 / 10.0;
                let mut p = self.plan_steady(None, d, 0);
                p.lines.retain(|&x| x < 2500);
                p.outcome = Outcome::Timeout;
                p.timeout_s = 3;
                p
            };
            end = self.write_invocation(f, env, false, next, &mut p, contact_id);
        }
        end
    }

    fn frac(&mut self) -> f64 {
        self.rng.range(0, 99) as f64 / 100.0
    }

    /// 2–6 custom lines spread over the handler (or one every ~`every` ms).
    fn plan_steady(&mut self, init: Option<f64>, d: f64, every: i64) -> Plan {
        let mut lines = Vec::new();
        if every > 0 {
            let mut at = self.rng.range(10, 80);
            while (at as f64) < d - 30.0 {
                lines.push(at);
                at += self.rng.range(every - 80, every + 80);
            }
        } else {
            let n = self.rng.range(2, 6);
            for k in 0..n {
                lines.push(((d as i64) * (k + 1) / (n + 1)).max(1));
            }
        }
        Plan {
            cold_init_ms: init,
            init_timeout: false,
            duration_ms: d,
            lines,
            outcome: Outcome::Success,
            timeout_s: 30,
            stall_call: false,
        }
    }

    fn request_id(&mut self) -> String {
        self.id_seq += 1;
        self.rng.uuid()
    }

    /// Write one invocation's lines into its environment's stream.
    fn write_invocation(
        &mut self,
        f: usize,
        env: usize,
        cold: bool,
        arrival: i64,
        plan: &mut Plan,
        contact_id: &str,
    ) -> i64 {
        let spec = &FUNCTIONS[f];
        let group = self.fns[f].group;
        let stream = self.fns[f].envs[env].stream;
        let rid = self.request_id();
        let mut start = arrival;
        let init = if cold { plan.cold_init_ms } else { None };
        if let Some(i) = init {
            let msg = self.init_start_line(spec, arrival);
            self.emit(group, stream, arrival, msg);
            if spec.runtime == Runtime::Python && !spec.json {
                let msg = format!(
                    "[INFO]\t{}\t\tFound credentials in environment variables.\n",
                    iso(arrival + 40)
                );
                self.emit(group, stream, arrival + 40, msg);
            }
            if plan.init_timeout {
                let at = arrival + i as i64;
                let msg = if spec.json {
                    format!("{{\"time\":\"{}\",\"type\":\"platform.initReport\",\"record\":{{\"initializationType\":\"on-demand\",\"phase\":\"init\",\"status\":\"timeout\",\"metrics\":{{\"durationMs\":{i:.2}}}}}}}", iso(at))
                } else {
                    format!("INIT_REPORT Init Duration: {i:.2} ms\tPhase: init\tStatus: timeout\n")
                };
                self.emit(group, stream, at, msg);
                start = at + self.rng.range(5, 20);
            } else {
                start = arrival + i as i64 + self.rng.range(1, 3);
            }
        }
        let version = self.fns[f].version;
        let msg = if spec.json {
            format!("{{\"time\":\"{}\",\"type\":\"platform.start\",\"record\":{{\"requestId\":\"{rid}\",\"version\":\"{version}\"}}}}", iso(start))
        } else {
            format!("START RequestId: {rid} Version: {version}\n")
        };
        self.emit(group, stream, start, msg);
        let n = plan.lines.len();
        for (k, off) in plan.lines.clone().into_iter().enumerate() {
            let at = start + off;
            let text = self.custom_text(spec, k, n, plan, contact_id);
            let level = if plan.outcome == Outcome::Error && k + 1 == n {
                "ERROR"
            } else {
                "INFO"
            };
            let msg = self.app_line(spec, &rid, at, level, &text, k);
            self.emit(group, stream, at, msg);
        }
        let d = plan.duration_ms;
        let end = start + d.round() as i64;
        if plan.stall_call && plan.outcome == Outcome::Success {
            let msg = self.app_line(
                spec,
                &rid,
                end - 2,
                "INFO",
                "partner API answered; returning attributes",
                9,
            );
            self.emit(group, stream, end - 2, msg);
        }
        let billed = d.ceil() as u64;
        let used = self
            .rng
            .range(i64::from(spec.memory) / 5, i64::from(spec.memory) * 3 / 4);
        let init_field = init.filter(|_| !plan.init_timeout);
        if spec.json {
            let (status, err) = match plan.outcome {
                Outcome::Success => ("success", ""),
                Outcome::Timeout => ("timeout", ""),
                Outcome::Error => ("error", ",\"errorType\":\"Runtime.ExitError\""),
            };
            let msg = format!("{{\"time\":\"{}\",\"type\":\"platform.runtimeDone\",\"record\":{{\"requestId\":\"{rid}\",\"status\":\"{status}\"{err},\"metrics\":{{\"durationMs\":{:.3},\"producedBytes\":{}}}}}}}", iso(end), d + 0.4, if plan.outcome == Outcome::Success { 120 } else { 0 });
            self.emit(group, stream, end, msg);
            let init_metric = init_field
                .map(|i| format!(",\"initDurationMs\":{i:.3}"))
                .unwrap_or_default();
            let msg = format!("{{\"time\":\"{}\",\"type\":\"platform.report\",\"record\":{{\"requestId\":\"{rid}\",\"metrics\":{{\"durationMs\":{d:.2},\"billedDurationMs\":{billed},\"memorySizeMB\":{},\"maxMemoryUsedMB\":{used}{init_metric}}},\"status\":\"{status}\"{err}}}}}", iso(end + 2), spec.memory);
            self.emit(group, stream, end + 2, msg);
        } else {
            match plan.outcome {
                Outcome::Timeout if !spec.new_era => {
                    let msg = format!(
                        "{} {rid} Task timed out after {}.00 seconds\n\n",
                        iso(end),
                        plan.timeout_s
                    );
                    self.emit(group, stream, end, msg);
                }
                Outcome::Error => {
                    let msg = format!("RequestId: {rid} Error: Runtime exited with error: exit status 1\nRuntime.ExitError\n");
                    self.emit(group, stream, end - 1, msg);
                }
                _ => {}
            }
            self.emit(group, stream, end, format!("END RequestId: {rid}\n"));
            let mut msg = format!(
                "REPORT RequestId: {rid}\tDuration: {d:.2} ms\tBilled Duration: {billed} ms\tMemory Size: {} MB\tMax Memory Used: {used} MB\t",
                spec.memory
            );
            if let Some(i) = init_field {
                let _ = write!(msg, "Init Duration: {i:.2} ms\t");
            }
            if spec.new_era {
                match plan.outcome {
                    Outcome::Timeout => msg.push_str("Status: timeout"),
                    Outcome::Error => msg.push_str("Status: error\tError Type: Runtime.ExitError"),
                    Outcome::Success => {}
                }
            }
            msg.push('\n');
            self.emit(group, stream, end + 1, msg);
        }
        let busy = end + 3;
        self.fns[f].envs[env].busy_until = busy;
        busy
    }

    fn init_start_line(&mut self, spec: &FnSpec, at: i64) -> String {
        let rt = match spec.runtime {
            Runtime::Node => "nodejs:20.v31",
            Runtime::Python => "python:3.12.v36",
        };
        let arn = format!("arn:aws:lambda:{REGION}::runtime:{}", self.rng.hex(64));
        if spec.json {
            format!(
                "{{\"time\":\"{}\",\"type\":\"platform.initStart\",\"record\":{{\"initializationType\":\"on-demand\",\"phase\":\"init\",\"runtimeVersion\":\"{rt}\",\"runtimeVersionArn\":\"{arn}\",\"functionName\":\"{}\",\"functionVersion\":\"$LATEST\"}}}}",
                iso(at),
                spec.name
            )
        } else {
            format!("INIT_START Runtime Version: {rt}\tRuntime Version ARN: {arn}\n")
        }
    }

    fn custom_text(
        &mut self,
        spec: &FnSpec,
        k: usize,
        n: usize,
        plan: &Plan,
        contact_id: &str,
    ) -> String {
        if k == 0 && spec.logs_contact {
            return format!("Processing contact {contact_id} from flow Main IVR");
        }
        if plan.outcome == Outcome::Error && k + 1 == n {
            return "Unhandled error: connect ECONNREFUSED 10.0.3.12:5432 (orders-db)".into();
        }
        if plan.stall_call && k + 1 == n {
            return "Calling partner API https://api.partner.example/v2/orders (no timeout set)"
                .into();
        }
        let phone = self.rng.range(2_000_000, 9_999_999);
        match self.rng.range(0, 5) {
            0 => format!("Looking up customer by phone +1555{phone}"),
            1 => format!(
                "DynamoDB GetItem customers took {} ms",
                self.rng.range(3, 60)
            ),
            2 => format!(
                "Customer tier resolved: {}",
                self.rng.pick(&["gold", "silver", "standard"])
            ),
            3 => format!(
                "Cache {} for key cust#{phone}",
                self.rng.pick(&["hit", "miss"])
            ),
            4 => format!(
                "HTTP GET /v1/orders?customer={phone} -> 200 in {} ms",
                self.rng.range(20, 200)
            ),
            _ => "Returning attributes {\"isSuccess\":\"true\"}".into(),
        }
    }

    fn app_line(
        &mut self,
        spec: &FnSpec,
        rid: &str,
        at: i64,
        level: &str,
        text: &str,
        k: usize,
    ) -> String {
        if spec.json {
            return match spec.runtime {
                Runtime::Node => format!(
                    "{{\"timestamp\":\"{}\",\"level\":\"{level}\",\"requestId\":\"{rid}\",\"message\":{}}}",
                    iso(at),
                    js(text)
                ),
                Runtime::Python => format!(
                    "{{\"timestamp\":\"{}\",\"level\":\"{level}\",\"message\":{},\"logger\":\"root\",\"requestId\":\"{rid}\"}}",
                    iso(at),
                    js(text)
                ),
            };
        }
        match spec.runtime {
            Runtime::Node => format!("{}\t{rid}\t{level}\t{text}\n", iso(at)),
            Runtime::Python if spec.prints && k % 2 == 1 => format!("{text}\n"),
            Runtime::Python => format!("[{level}]\t{}\t{rid}\t{text}\n", iso(at)),
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum EnvWant {
    Any,
    Warm,
    Cold,
}

/// The UUID text of two random words.
fn uuid_of(a: u64, b: u64) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

/// The Identifier of the `lambda_no`-th Lambda block calling function `f`:
/// seven blocks in ten carry a label, the others only their block UUID,
/// the same for every contact (a flow's blocks do not change per call).
fn block_identifier(f: usize, lambda_no: usize) -> String {
    let mut rng = Rng(0xB10C_u64 ^ ((f as u64) << 32) ^ lambda_no as u64);
    let (a, b) = (rng.next(), rng.next());
    if a % 10 < 7 {
        if lambda_no > 1 {
            format!("{} {lambda_no}", LAMBDA_LABELS[f])
        } else {
            LAMBDA_LABELS[f].to_string()
        }
    } else {
        uuid_of(a, b)
    }
}
