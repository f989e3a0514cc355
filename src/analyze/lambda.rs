//! Pass 2: keep the Lambda events inside the windows and rebuild them into
//! invocations, one log stream at a time.

use crate::model::{Invocation, LambdaRecord};
use crate::parse::invocations::{assemble_stream, StreamEvent, StreamId};
use crate::parse::lambda::parse_lambda_line;
use crate::source::Event;
use crate::windows::Windows;
use std::collections::{BTreeSet, HashMap, HashSet};

type StreamKey = (String, String, String); // function, group, stream

/// Collects pass 2 from any source.
pub struct LambdaCollector<'w> {
    windows: &'w Windows,
    streams: HashMap<StreamKey, Vec<StreamEvent>>,
    /// Lines that close an invocation, seen after a window: kept only if
    /// their request started inside one.
    tail: Vec<(StreamKey, StreamEvent, String)>,
    started: HashSet<String>,
    groups: BTreeSet<String>,
    seq: u64,
}

impl<'w> LambdaCollector<'w> {
    pub fn new(windows: &'w Windows) -> Self {
        LambdaCollector {
            windows,
            streams: HashMap::new(),
            tail: Vec::new(),
            started: HashSet::new(),
            groups: BTreeSet::new(),
            seq: 0,
        }
    }

    /// Take one event of `function`'s log group.
    pub fn push(&mut self, function: &str, ev: &Event<'_>) {
        let inside = self.windows.contains(function, ev.timestamp);
        if !inside && !self.windows.in_tail(function, ev.timestamp) {
            return;
        }
        self.groups.insert(ev.group.to_string());
        let record = parse_lambda_line(ev.message);
        self.seq += 1;
        let event = StreamEvent {
            timestamp: ev.timestamp,
            seq: self.seq,
            raw: ev.message.trim_end().to_string(),
            record,
        };
        let key = (
            function.to_string(),
            ev.group.to_string(),
            ev.stream.to_string(),
        );
        if inside {
            if let LambdaRecord::Start { request_id, .. } = &event.record {
                self.started.insert(request_id.clone());
            }
            self.streams.entry(key).or_default().push(event);
        } else if let Some(id) = closing_request_id(&event.record) {
            let id = id.to_string();
            self.tail.push((key, event, id));
        }
    }

    /// The invocations, stream by stream, and the Lambda groups read.
    pub fn finish(mut self) -> (Vec<Invocation>, Vec<String>) {
        for (key, event, id) in std::mem::take(&mut self.tail) {
            if self.started.contains(&id) {
                self.streams.entry(key).or_default().push(event);
            }
        }
        let mut streams: Vec<_> = self.streams.into_iter().collect();
        streams.sort_by(|a, b| a.0.cmp(&b.0));
        let invocations = streams
            .into_iter()
            .flat_map(|((function, group, stream), events)| {
                let id = StreamId {
                    function,
                    group,
                    stream,
                };
                assemble_stream(&id, events)
            })
            .collect();
        (invocations, self.groups.into_iter().collect())
    }
}

/// The request id of a line that closes an invocation.
fn closing_request_id(record: &LambdaRecord) -> Option<&str> {
    match record {
        LambdaRecord::End { request_id } => Some(request_id),
        LambdaRecord::Report(r) => Some(&r.request_id),
        LambdaRecord::RuntimeDone { request_id, .. } => Some(request_id),
        LambdaRecord::TimedOut { request_id, .. } => request_id.as_deref(),
        LambdaRecord::RuntimeError { request_id, .. } => request_id.as_deref(),
        _ => None,
    }
}
