//! X-Ray: the traces a traced function wrote, as the sources hand them over
//! (`RawTrace`), as parsed (`Trace`: the calls the handler made), and what
//! classification read from them against the block's limit (`XrayReading`).

use super::Millis;

/// A trace as a source found it: its id and its segment documents (JSON
/// text, one per segment), from `BatchGetTraces` or an exported
/// `aws xray batch-get-traces` document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawTrace {
    pub id: String,
    pub segment_documents: Vec<String>,
}

/// What the sources could say of the traces asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TraceBatch {
    pub traces: Vec<RawTrace>,
    /// Whether traces were looked for at all (live: `BatchGetTraces`;
    /// offline: trace documents in the input).
    pub looked: bool,
}

/// The calls a traced invocation's function segment recorded, in start
/// order (depth-first), nested calls after their parent.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    pub id: String,
    pub calls: Vec<Call>,
}

/// One subsegment of the function segment: a downstream call (an AWS SDK
/// call, an HTTP request) or a named subsegment the code opened.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    /// `aws` (SDK calls), `remote` (HTTP), or none (a named subsegment).
    pub namespace: Option<String>,
    /// `aws.operation`: `GetItem`, `Query`, `PutObject`...
    pub operation: Option<String>,
    /// What the call was on: a table, a bucket, a queue, a function.
    pub resource: Option<String>,
    /// `http.request.method`.
    pub method: Option<String>,
    /// `http.request.url` without its query string (which may hold
    /// personal data and rarely helps).
    pub url: Option<String>,
    pub start: Millis,
    /// `None` while the subsegment was in progress (never ended).
    pub end: Option<Millis>,
    /// 0 for a call made by the handler itself, 1 for one inside it...
    pub depth: usize,
}

impl Call {
    /// How it reads in a sentence: `GET crm.example.com/accounts/search`,
    /// `DynamoDB GetItem customers`, or the subsegment's name.
    pub fn label(&self) -> String {
        if let (Some(method), Some(url)) = (&self.method, &self.url) {
            let url = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"))
                .unwrap_or(url);
            return format!("{method} {url}");
        }
        let mut parts = vec![self.name.clone()];
        parts.extend(self.operation.clone());
        parts.extend(self.resource.clone());
        parts.join(" ")
    }
}

/// What became of an invocation's trace once the analysis looked for it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum XrayFetch {
    /// Not looked for (not a failure's invocation, no trace to ask for, or
    /// no source of traces).
    #[default]
    NotLooked,
    /// Asked for and not returned.
    NotFound,
    Found(Trace),
}

/// Why a traced invocation has no calls to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XrayStatus {
    /// The trace was found and read.
    Found,
    /// The invocation was traced but not sampled: X-Ray kept nothing.
    NotSampled,
    /// Asked for and not returned: older than X-Ray's 30 days, or the
    /// account uses Transaction Search (`BatchGetTraces` returns nothing).
    NotFound,
    /// Not looked for: offline, no trace document in the input.
    NotLooked,
}

/// What a failure's trace says, against the moment Connect gave up.
#[derive(Debug, Clone, PartialEq)]
pub struct XrayReading {
    pub trace_id: String,
    pub status: XrayStatus,
    /// The deepest call that had started and not ended when Connect gave
    /// up, and how long it had run by then (ms).
    pub open_at_limit: Option<(Call, f64)>,
    /// The longest calls (ms; an open one counts until Connect gave up).
    pub slowest: Vec<(Call, f64)>,
}
