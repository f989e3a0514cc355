//! filter-log-events and get-query-results documents, streamed.
//!
//! The AWS CLI merges all pages into one document, so a document can be as
//! large as the file. A serde visitor walks the top-level map and hands each
//! element of `events` / `results` to the sink as soon as it is parsed; only
//! one element is in memory at a time. Several documents may follow each
//! other in one file (pages saved one after another).

use super::event::{self, reason, Delivery};
use super::{not_an_export, InputError};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::cell::Cell;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::rc::Rc;

/// Read every document in `reader`. `line_offset` is the number of lines
/// already consumed before `reader`'s position. A first document with
/// neither `events` nor `results` is no export (the AWS CLI always prints
/// the array, even empty): `preview` then shows what it is.
pub(super) fn read<R: BufRead>(
    reader: R,
    line_offset: u64,
    out: &mut Delivery<'_>,
    path: &str,
    preview: &str,
) -> Result<(), InputError> {
    let newlines = Rc::new(Cell::new(line_offset));
    let counting = CountingReader {
        inner: reader,
        newlines: Rc::clone(&newlines),
    };
    let mut de = serde_json::Deserializer::from_reader(counting);
    let mut ctx = Ctx { out, newlines };
    let mut first = true;
    loop {
        // `end` skips whitespace and reports whether anything follows; the
        // byte it peeked stays in the deserializer for the next document.
        match de.end() {
            Ok(()) => return Ok(()),
            Err(e) if e.is_io() => return Err(json_error(path, line_offset, e)),
            Err(_) => {}
        }
        let had_list = DocumentSeed { ctx: &mut ctx }
            .deserialize(&mut de)
            .map_err(|e| json_error(path, line_offset, e))?;
        if first && !had_list {
            return Err(not_an_export(path, preview, 0));
        }
        first = false;
    }
}

pub(super) fn json_error(path: &str, line_offset: u64, e: serde_json::Error) -> InputError {
    let line = line_offset + e.line() as u64;
    if e.is_io() {
        let source = io::Error::other(e);
        return InputError::from_io(path, Some(line), source);
    }
    // serde_json appends " at line L column C"; the path prefix says that.
    let mut message = e.to_string();
    if let Some(at) = message.rfind(" at line ") {
        message.truncate(at);
    }
    InputError::InvalidJson {
        path: path.to_string(),
        line,
        column: e.column() as u64,
        message,
    }
}

/// Counts the newlines serde_json has read, so that an element's first
/// line is known when its first byte has been peeked.
struct CountingReader<R> {
    inner: R,
    newlines: Rc<Cell<u64>>,
}

impl<R: BufRead> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // serde_json reads one byte per call: serve those straight from the
        // buffer, the general path costs several times more per byte.
        if let [out] = buf {
            let Some(&byte) = self.inner.fill_buf()?.first() else {
                return Ok(0);
            };
            self.inner.consume(1);
            *out = byte;
            if byte == b'\n' {
                self.newlines.set(self.newlines.get() + 1);
            }
            return Ok(1);
        }
        let n = self.inner.read(buf)?;
        let seen = memchr::memchr_iter(b'\n', &buf[..n]).count() as u64;
        self.newlines.set(self.newlines.get() + seen);
        Ok(n)
    }
}

struct Ctx<'c, 's> {
    out: &'c mut Delivery<'s>,
    newlines: Rc<Cell<u64>>,
}

impl Ctx<'_, '_> {
    /// The 1-based line of the last byte serde_json read.
    fn line(&self) -> u64 {
        self.newlines.get() + 1
    }
}

/// Which array of the document an element comes from.
#[derive(Clone, Copy)]
enum List {
    Events,
    Rows,
}

/// The top-level map: streams `events` and `results`, skips the rest;
/// says whether either was there.
struct DocumentSeed<'a, 'c, 's> {
    ctx: &'a mut Ctx<'c, 's>,
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_, '_, '_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_, '_, '_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a filter-log-events or get-query-results JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut had_list = false;
        while let Some(key) = map.next_key::<String>()? {
            let list = match key.as_str() {
                "events" => List::Events,
                "results" => List::Rows,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            map.next_value_seed(ListSeed {
                ctx: &mut *self.ctx,
                list,
            })?;
            had_list = true;
        }
        Ok(had_list)
    }
}

/// The `events` or `results` array, element by element.
struct ListSeed<'a, 'c, 's> {
    ctx: &'a mut Ctx<'c, 's>,
    list: List,
}

impl<'de> DeserializeSeed<'de> for ListSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ListSeed<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of log events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let list = self.list;
        while let Some(()) = seq.next_element_seed(ElementSeed {
            ctx: &mut *self.ctx,
            list,
        })? {}
        Ok(())
    }

    /// `"events": null` is an empty page, not a broken one.
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// One element: parsed on its own, checked, delivered, dropped.
struct ElementSeed<'a, 'c, 's> {
    ctx: &'a mut Ctx<'c, 's>,
    list: List,
}

impl<'de> DeserializeSeed<'de> for ElementSeed<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        // serde_json has peeked the element's first byte: the line is its own.
        let line = self.ctx.line();
        let value = <Value as serde::Deserialize>::deserialize(d)?;
        offer(self.ctx.out, self.list, &value, line);
        Ok(())
    }
}

fn offer(out: &mut Delivery<'_>, list: List, value: &Value, line: u64) {
    match (list, value) {
        (List::Events, Value::Object(map)) => out.offer(event::event_fields(map), line),
        (List::Rows, Value::Array(cells)) => out.offer(event::row_fields(cells), line),
        _ => out.skips.add(reason::NOT_AN_EVENT, line),
    }
}
