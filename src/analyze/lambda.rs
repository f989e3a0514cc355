//! Pass 2: keep the Lambda events inside the windows and rebuild them into
//! invocations, one log stream at a time.

use crate::model::{Invocation, LambdaRecord};
use crate::parse::invocations::{assemble_stream, StreamEvent, StreamId};
use crate::parse::lambda::parse_lambda_line;
use crate::source::Event;
use crate::windows::Windows;
use std::collections::{BTreeSet, HashMap, HashSet};

/// One log stream's events: those inside a window, and the closing lines
/// after one (kept only if their request started inside a window).
#[derive(Default)]
struct StreamBuf {
    events: Vec<KeptLine>,
    /// With the request id each closes (known when it was taken).
    tail: Vec<(Box<str>, KeptLine)>,
}

/// A line kept for assembly: its text only. Its parsed form is three to
/// four times its size (a request id, a level and a message, each
/// allocated), and pass 2 keeps hundreds of thousands of lines until the
/// end, so `finish` parses them again, one stream at a time (parsing is
/// pure: the same text gives the same record).
struct KeptLine {
    timestamp: crate::model::Millis,
    seq: u64,
    raw: Box<str>,
}

impl KeptLine {
    fn into_event(self) -> StreamEvent {
        StreamEvent {
            timestamp: self.timestamp,
            seq: self.seq,
            record: parse_lambda_line(&self.raw),
            raw: self.raw.into(),
        }
    }
}

/// function -> group -> stream: looked up by `&str`, so an event costs no
/// key allocation (pass 2 keeps hundreds of thousands of events).
type Streams = HashMap<String, HashMap<String, HashMap<String, StreamBuf>>>;

/// Collects pass 2 from any source.
pub struct LambdaCollector<'w> {
    windows: &'w Windows,
    streams: Streams,
    started: HashSet<String>,
    groups: BTreeSet<String>,
    seq: u64,
}

impl<'w> LambdaCollector<'w> {
    pub fn new(windows: &'w Windows) -> Self {
        LambdaCollector {
            windows,
            streams: HashMap::new(),
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
        let record = parse_lambda_line(ev.message);
        if !inside && !self.may_close_a_windowed_request(function, ev.timestamp, &record) {
            return;
        }
        if !self.groups.contains(ev.group) {
            self.groups.insert(ev.group.to_string());
        }
        self.seq += 1;
        let event = KeptLine {
            timestamp: ev.timestamp,
            seq: self.seq,
            raw: ev.message.trim_end().into(),
        };
        let buf = stream_buf(&mut self.streams, function, ev.group, ev.stream);
        if inside {
            if let LambdaRecord::Start { request_id, .. } = record {
                self.started.insert(request_id);
            }
            buf.events.push(event);
        } else if let Some(closes) = closing_request_id(&record) {
            buf.tail.push((closes.into(), event));
        }
    }

    /// Whether a line after the windows may close a request that started
    /// inside one: a closing line at all, and for a REPORT, whose duration
    /// says when its START was, a START time near a window. Most lines in a
    /// tail belong to requests that started after the window; keeping them
    /// until the end would cost memory for nothing.
    fn may_close_a_windowed_request(
        &self,
        function: &str,
        t: crate::model::Millis,
        record: &LambdaRecord,
    ) -> bool {
        if closing_request_id(record).is_none() {
            return false;
        }
        let LambdaRecord::Report(report) = record else {
            return true;
        };
        let Some(duration) = report.duration_ms else {
            return true;
        };
        // START comes after any init; 2 s either way for clocks and rounding.
        let init =
            report.init_duration_ms.unwrap_or(0.0) + report.restore_duration_ms.unwrap_or(0.0);
        let start_latest = t - duration as i64 + START_SLACK_MS;
        let start_earliest = t - (duration + init) as i64 - START_SLACK_MS;
        self.windows
            .overlaps(function, start_earliest, start_latest)
    }

    /// The invocations, stream by stream, and the Lambda groups read.
    pub fn finish(self) -> (Vec<Invocation>, Vec<String>) {
        let started = self.started;
        let mut streams: Vec<(StreamId, StreamBuf)> = Vec::new();
        for (function, groups) in self.streams {
            for (group, by_stream) in groups {
                for (stream, buf) in by_stream {
                    let id = StreamId {
                        function: function.clone(),
                        group: group.clone(),
                        stream,
                    };
                    streams.push((id, buf));
                }
            }
        }
        streams.sort_by(|a, b| {
            (&a.0.function, &a.0.group, &a.0.stream).cmp(&(&b.0.function, &b.0.group, &b.0.stream))
        });
        // Stream by stream, so only one stream's parsed lines exist at once.
        let invocations = streams
            .into_iter()
            .flat_map(|(id, buf)| {
                let tail = buf
                    .tail
                    .into_iter()
                    .filter(|(closes, _)| started.contains(&**closes))
                    .map(|(_, line)| line);
                let events = buf
                    .events
                    .into_iter()
                    .chain(tail)
                    .map(KeptLine::into_event)
                    .collect();
                assemble_stream(&id, events)
            })
            .collect();
        (invocations, self.groups.into_iter().collect())
    }
}

/// How far a START may be from where a REPORT's duration puts it.
const START_SLACK_MS: crate::model::Millis = 2_000;

fn stream_buf<'s>(
    streams: &'s mut Streams,
    function: &str,
    group: &str,
    stream: &str,
) -> &'s mut StreamBuf {
    if !streams.contains_key(function) {
        streams.insert(function.to_string(), HashMap::new());
    }
    let groups = streams.get_mut(function).expect("inserted above");
    if !groups.contains_key(group) {
        groups.insert(group.to_string(), HashMap::new());
    }
    let by_stream = groups.get_mut(group).expect("inserted above");
    if !by_stream.contains_key(stream) {
        by_stream.insert(stream.to_string(), StreamBuf::default());
    }
    by_stream.get_mut(stream).expect("inserted above")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn push(c: &mut LambdaCollector<'_>, stream: &str, t: i64, message: &str) {
        c.push(
            "crm",
            &Event {
                group: "/aws/lambda/crm",
                stream,
                timestamp: t,
                message,
                file: "f",
                line: 1,
            },
        );
    }

    fn report(id: &str, ms: u32) -> String {
        format!("REPORT RequestId: {id}\tDuration: {ms}.00 ms\tBilled Duration: {ms} ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t")
    }

    /// A request that started inside the window and ended 40 s later keeps
    /// its END/REPORT; one that started after the window does not (its
    /// REPORT is dropped on arrival, its END at the end).
    #[test]
    fn closing_lines_after_a_window_are_kept_only_for_requests_started_inside() {
        let block = lambda_block("a", T0, "crm", 8000, GENERIC);
        let windows = Windows::around(&[&block]);
        let mut c = LambdaCollector::new(&windows);
        push(
            &mut c,
            "s1",
            T0 + 40,
            "START RequestId: in Version: $LATEST",
        );
        push(
            &mut c,
            "s2",
            T0 + 30_000,
            "START RequestId: out Version: $LATEST",
        );
        push(&mut c, "s2", T0 + 30_200, "END RequestId: out");
        push(&mut c, "s2", T0 + 30_200, &report("out", 200));
        push(&mut c, "s1", T0 + 40_040, "END RequestId: in");
        push(&mut c, "s1", T0 + 40_040, &report("in", 40_000));
        let buffered: usize = c
            .streams
            .values()
            .flat_map(|g| g.values())
            .flat_map(|s| s.values())
            .map(|b| b.tail.len())
            .sum();
        assert_eq!(buffered, 3, "the REPORT of `out` is dropped on arrival");
        let (invocations, groups) = c.finish();
        assert_eq!(groups, vec!["/aws/lambda/crm"]);
        assert_eq!(invocations.len(), 1);
        let inv = &invocations[0];
        assert_eq!(inv.request_id, "in");
        assert_eq!(inv.duration_ms, Some(40_000.0));
        assert_eq!(inv.end, Some(T0 + 40_040));
    }
}
