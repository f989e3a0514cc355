//! Pass 1 from a staged source (Logs Insights): the failed blocks first,
//! then every Lambda block in the neighbourhoods around them, read until
//! nothing that can take part in a link is missing. The rows that travel
//! grow with the failures, not with the traffic.

use super::connect::{is_connect_group, prepare_entry, ConnectCollector, ConnectData};
use super::{AnalyzeError, Options};
use crate::model::conventions::DEFAULT_BLOCK_LIMIT_MS;
use crate::source::LogSource;
use crate::windows::Neighbourhoods;

/// Rounds of stage 2 at most. A round adds what the previous one showed
/// was needed: a neighbour with a longer limit than assumed, or a failed
/// block just outside the period whose own neighbours matter. Two suffice
/// in practice; the bound keeps a pathological group from looping.
const MAX_ROUNDS: usize = 4;

pub fn read_staged(
    source: &mut dyn LogSource,
    opts: &Options,
    contact: Option<&str>,
) -> Result<ConnectData, AnalyzeError> {
    let mut collector = ConnectCollector::new(opts, contact);
    let wanted = |group: &str| is_connect_group(opts, group);
    let push = |collector: &mut ConnectCollector<'_>, ev: &crate::source::Event<'_>| {
        let prepared = prepare_entry(ev, contact);
        collector.push(ev, Some(&prepared))
    };
    source.failed_connect_events(&wanted, &mut |ev, _| push(&mut collector, ev))?;
    let mut fetched = Neighbourhoods::default();
    for _ in 0..MAX_ROUNDS {
        let missing = needed(&collector).without(&fetched);
        if missing.is_empty() {
            break;
        }
        source.connect_events_in(&missing, &wanted, &mut |ev, _| push(&mut collector, ev))?;
        fetched.add(&missing);
    }
    collector.finish(&source.known_groups(), &source.describe())
}

/// What stage 2 must have read: the neighbourhood of every block `finish`
/// keeps neighbours near, assuming no block's limit exceeds the longest
/// seen (or Connect's synchronous maximum).
fn needed(collector: &ConnectCollector<'_>) -> Neighbourhoods {
    let assumed = collector.longest_limit_ms().max(DEFAULT_BLOCK_LIMIT_MS);
    Neighbourhoods::around(&collector.near_blocks(), assumed)
}
