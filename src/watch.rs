//! `watch`'s memory between ticks: which failures were already shown, so
//! each is shown once, and again only when late Lambda lines change its
//! verdict; and the counts the status line gives ("has my fix worked?").
//! Pure: the shell runs the ticks, this decides what each one says.

use crate::model::{Class, Failure, Millis};
use std::collections::BTreeMap;

/// A failure's identity across ticks: the contact, the block and when it
/// ran (Connect may run one block of a contact more than once).
type Key = (String, Option<String>, Millis);

fn key(f: &Failure) -> Key {
    (
        f.block.contact_id.clone(),
        f.block.identifier.clone(),
        f.block.timestamp,
    )
}

/// What a tick has to say about one failure.
#[derive(Debug, Clone, PartialEq)]
pub enum Seen {
    /// Not shown before.
    New(Failure),
    /// Shown before with another verdict (late lines changed it).
    Updated { was: Class, failure: Failure },
}

/// What was shown so far.
#[derive(Debug, Default)]
pub struct WatchState {
    /// Each failure's class and key fact when last shown.
    shown: BTreeMap<Key, (Class, String)>,
    /// When each failure's block ran, and its class: for the counts.
    times: Vec<(Millis, Class)>,
}

impl WatchState {
    /// The failures of one tick (its window overlaps the previous one's),
    /// in time order: those not shown before, and those whose verdict
    /// changed. Unchanged ones say nothing.
    pub fn take(&mut self, failures: Vec<Failure>) -> Vec<Seen> {
        let mut out = Vec::new();
        for failure in failures {
            let now = (failure.verdict.class, failure.verdict.key_fact.clone());
            match self.shown.insert(key(&failure), now.clone()) {
                None => {
                    self.times
                        .push((failure.block.timestamp, failure.verdict.class));
                    out.push(Seen::New(failure));
                }
                Some(before) if before != now => {
                    let was = before.0;
                    if let Some(t) = self
                        .times
                        .iter_mut()
                        .find(|(t, c)| *t == failure.block.timestamp && *c == was)
                    {
                        t.1 = failure.verdict.class;
                    }
                    out.push(Seen::Updated { was, failure });
                }
                Some(_) => {}
            }
        }
        out
    }

    /// Failures per class whose block ran in `[now − span, now]`, in class
    /// order, only classes present.
    pub fn counts(&self, now: Millis, span: Millis) -> Vec<(Class, u64)> {
        let mut counts: BTreeMap<Class, u64> = BTreeMap::new();
        for &(t, class) in &self.times {
            if t >= now - span && t <= now {
                *counts.entry(class).or_default() += 1;
            }
        }
        counts.into_iter().collect()
    }

    /// Failures per class over the whole session, in class order.
    pub fn totals(&self) -> Vec<(Class, u64)> {
        let mut counts: BTreeMap<Class, u64> = BTreeMap::new();
        for &(_, class) in &self.times {
            *counts.entry(class).or_default() += 1;
        }
        counts.into_iter().collect()
    }

    /// When the latest failure's block ran.
    pub fn last_failure(&self) -> Option<Millis> {
        self.times.iter().map(|&(t, _)| t).max()
    }

    /// Failures shown in the whole session.
    pub fn total(&self) -> usize {
        self.shown.len()
    }
}

/// The window of the tick at `now`: from where the previous one ended, less
/// the ingestion lag (events arrive late: the windows overlap by it), else
/// `first` back; up to `now`.
pub fn tick_window(
    previous_end: Option<Millis>,
    now: Millis,
    lag: Millis,
    first: Millis,
) -> (Millis, Millis) {
    let start = match previous_end {
        Some(end) => end - lag,
        None => now - first,
    };
    (start.min(now - 1), now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;

    fn failure(contact: &str, at: Millis, class: Class, fact: &str) -> Failure {
        failure_as(contact, at, class, fact)
    }

    #[test]
    fn each_failure_once_and_again_only_when_its_verdict_changes() {
        let mut state = WatchState::default();
        let a = failure("a", T0, Class::Unlinked, "no invocation");
        let b = failure(
            "b",
            T0 + 1_000,
            Class::ColdStart,
            "init 2401 + handler 901 > 3000 ms limit",
        );
        let seen = state.take(vec![a.clone(), b.clone()]);
        assert_eq!(seen, vec![Seen::New(a.clone()), Seen::New(b.clone())]);
        // The next tick overlaps: the same failures say nothing...
        assert!(state.take(vec![a.clone(), b.clone()]).is_empty());
        // ...until the REPORT arrives late and the verdict changes.
        let a2 = failure(
            "a",
            T0,
            Class::DownstreamStall,
            "silent 7853 ms after START",
        );
        assert_eq!(
            state.take(vec![a2.clone(), b]),
            vec![Seen::Updated {
                was: Class::Unlinked,
                failure: a2
            }]
        );
        assert_eq!(state.total(), 2);
        assert_eq!(
            state.counts(T0 + 60_000, 300_000),
            vec![(Class::ColdStart, 1), (Class::DownstreamStall, 1)]
        );
        assert_eq!(state.counts(T0 + 600_000, 300_000), vec![]);
        assert_eq!(state.last_failure(), Some(T0 + 1_000));
    }

    #[test]
    fn ticks_overlap_by_the_lag() {
        assert_eq!(
            tick_window(None, 1_000_000, 180_000, 300_000),
            (700_000, 1_000_000)
        );
        assert_eq!(
            tick_window(Some(1_000_000), 1_030_000, 180_000, 300_000),
            (820_000, 1_030_000)
        );
    }
}
