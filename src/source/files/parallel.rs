//! Read several files at once, deliver in order.
//!
//! Worker threads (one per core) take files in turn and read them with
//! `read_file_keeping`; each file's events travel in batches through its
//! own bounded channel, and the calling thread hands them to the sink file
//! by file, in the given order. So the sink (an `FnMut`, not shared) sees
//! exactly what a sequential read would give it, in the same order, while
//! the reading, splitting and unescaping of the next files go on beside
//! it. Memory stays bounded: a few batches per file in flight.

use super::{read_file_keeping, InputError, InputFile, Keep, RawEvent};
use crate::model::{InputFileSummary, Millis};
use crate::source::Prepared;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Mutex;

/// Text per batch before it is sent.
const BATCH_BYTES: usize = 1 << 20;
/// Events per batch before it is sent (events prepared as counted-only
/// carry no text, so text alone would not bound a batch).
const BATCH_EVENTS: usize = 16 << 10;
/// Batches in flight per file.
const BATCHES_IN_FLIGHT: usize = 4;

/// Byte ranges into a batch's text.
type Span = (u32, u32);

struct BatchEvent {
    group: Option<Span>,
    stream: Span,
    message: Span,
    timestamp: Millis,
    line: u64,
    /// What `prepare` made of it, on the reading thread.
    prepared: Option<Prepared>,
}

#[derive(Default)]
struct Batch {
    text: String,
    events: Vec<BatchEvent>,
}

impl Batch {
    fn push_text(&mut self, s: &str) -> Span {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        (start, self.text.len() as u32)
    }

    fn get(&self, (a, b): Span) -> &str {
        &self.text[a as usize..b as usize]
    }
}

/// Run on the reading threads for each event, its result delivered with it.
pub type PrepareRaw<'p> = dyn Fn(&InputFile, &RawEvent<'_>) -> Option<Prepared> + Sync + 'p;

/// Called once per event, in order, with what `prepare` made of it.
pub type OnEvent<'a> = dyn FnMut(&InputFile, RawEvent<'_>, Option<&Prepared>) + 'a;

/// Called once per file, in order, with its summary or its error; an
/// error it returns ends the run.
pub type OnDone<'a> =
    dyn FnMut(&InputFile, Result<InputFileSummary, InputError>) -> Result<(), InputError> + 'a;

enum Msg {
    Events(Batch),
    Done(Result<InputFileSummary, InputError>),
}

/// Read `files` on up to `available_parallelism` threads. For each file in
/// order: `on_event` for each delivered event, then `on_done` with its
/// summary or error; an error `on_done` returns (in file order) ends the
/// run and is returned;
/// events of earlier files, and of that file before the error, were
/// delivered, as in a sequential read.
pub fn read_files_ordered(
    files: &[&InputFile],
    keep: Option<Keep<'_>>,
    prepare: Option<&PrepareRaw<'_>>,
    on_event: &mut OnEvent<'_>,
    on_done: &mut OnDone<'_>,
) -> Result<(), InputError> {
    if files.is_empty() {
        return Ok(());
    }
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(files.len());
    let mut senders = Vec::with_capacity(files.len());
    let mut receivers = Vec::with_capacity(files.len());
    for _ in files {
        let (tx, rx) = sync_channel::<Msg>(BATCHES_IN_FLIGHT);
        senders.push(Some(tx));
        receivers.push(rx);
    }
    let senders: Vec<std::sync::Mutex<Option<SyncSender<Msg>>>> =
        senders.into_iter().map(std::sync::Mutex::new).collect();
    let pool = Mutex::new(Vec::new());
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| worker(files, keep, prepare, &senders, &pool, &next, &stop));
        }
        let result = deliver(files, &receivers, &pool, on_event, on_done);
        if result.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        // Unblock workers still sending to files nobody will read.
        drop(receivers);
        result
    })
}

fn worker(
    files: &[&InputFile],
    keep: Option<Keep<'_>>,
    prepare: Option<&PrepareRaw<'_>>,
    senders: &[std::sync::Mutex<Option<SyncSender<Msg>>>],
    pool: &Pool,
    next: &AtomicUsize,
    stop: &AtomicBool,
) {
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= files.len() || stop.load(Ordering::Relaxed) {
            return;
        }
        let Some(tx) = senders[i].lock().ok().and_then(|mut s| s.take()) else {
            continue;
        };
        let mut batch = take_batch(pool);
        let mut open = true;
        let result = read_file_keeping(files[i], keep, &mut |ev: RawEvent<'_>| {
            if !open {
                return;
            }
            let prepared = prepare.and_then(|prepare| prepare(files[i], &ev));
            // An entry that is only counted travels without its text: the
            // collecting thread never reads it, and the readers can run
            // further ahead in the same memory.
            let counted_only = matches!(prepared, Some(Prepared::Entry { whole: false, .. }));
            let group = ev.group.map(|g| batch.push_text(g));
            let (stream, message) = if counted_only {
                ((0, 0), (0, 0))
            } else {
                (batch.push_text(ev.stream), batch.push_text(ev.message))
            };
            batch.events.push(BatchEvent {
                group,
                stream,
                message,
                timestamp: ev.timestamp,
                line: ev.line,
                prepared,
            });
            if batch.text.len() >= BATCH_BYTES || batch.events.len() >= BATCH_EVENTS {
                let full = std::mem::replace(&mut batch, take_batch(pool));
                open = tx.send(Msg::Events(full)).is_ok();
            }
        });
        if open && !batch.events.is_empty() {
            open = tx.send(Msg::Events(batch)).is_ok();
        }
        if open {
            let _ = tx.send(Msg::Done(result));
        }
    }
}

/// Spent batches, kept for reuse (their buffers keep their capacity).
type Pool = Mutex<Vec<Batch>>;

fn take_batch(pool: &Pool) -> Batch {
    pool.lock()
        .ok()
        .and_then(|mut p| p.pop())
        .unwrap_or_default()
}

fn deliver(
    files: &[&InputFile],
    receivers: &[Receiver<Msg>],
    pool: &Pool,
    on_event: &mut OnEvent<'_>,
    on_done: &mut OnDone<'_>,
) -> Result<(), InputError> {
    for (file, rx) in files.iter().zip(receivers) {
        loop {
            match rx.recv() {
                Ok(Msg::Events(mut batch)) => {
                    for ev in &batch.events {
                        on_event(
                            file,
                            RawEvent {
                                group: ev.group.map(|g| batch.get(g)),
                                stream: batch.get(ev.stream),
                                timestamp: ev.timestamp,
                                message: batch.get(ev.message),
                                line: ev.line,
                            },
                            ev.prepared.as_ref(),
                        );
                    }
                    batch.text.clear();
                    batch.events.clear();
                    if let Ok(mut spent) = pool.lock() {
                        if spent.len() < 2 * BATCHES_IN_FLIGHT {
                            spent.push(batch);
                        }
                    }
                }
                Ok(Msg::Done(result)) => {
                    on_done(file, result)?;
                    break;
                }
                // A worker that panicked: surface it as the panic it was.
                Err(_) => panic!("file reader thread for {} ended early", file.display),
            }
        }
    }
    Ok(())
}
