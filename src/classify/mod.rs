//! Why a Lambda block failed: measure the answering invocation once
//! (`case`), try the rules in order (`rules`, one module per class), and
//! build the verdict from the winner and the others that held.
//!
//! Let I be the init or restore time Connect waited for (0 when warm), D the
//! handler's duration and L the block's limit. The first rule that holds
//! and decides wins; the order follows the engine issue, refined by the
//! reference §0b.10: an error before the limit is a `function_error` even
//! on a cold start.

mod case;
mod evidence;
mod rules;

use crate::model::{Class, FlowEntry, FunctionSettings, Link, Verdict};
use case::Case;
use rules::rule;

/// Classify one failed block from its link, with the function's
/// configuration when known: a configured timeout shorter than the block's
/// limit is a `misconfigured_timeout` even without a timeout line, and the
/// fixes follow the VPC attachment and provisioned concurrency.
pub fn classify(block: &FlowEntry, link: &Link, settings: Option<&FunctionSettings>) -> Verdict {
    let case = Case::new(block, link, settings);
    let held: Vec<Class> = Class::all()
        .iter()
        .copied()
        .filter(|&c| (rule(c).holds)(&case))
        .collect();
    let class = held
        .iter()
        .copied()
        .find(|&c| (rule(c).decides)(&case))
        .unwrap_or(Class::Unexplained);
    let contributing: Vec<Class> = held.into_iter().filter(|&c| c != class).collect();
    let mut evidence = evidence::common(&case);
    for &c in std::iter::once(&class).chain(&contributing) {
        evidence.extend((rule(c).evidence)(&case));
    }
    let mut fix = (rule(class).fix)(&case);
    for hint in contributing.iter().filter_map(|&c| (rule(c).hint)(&case)) {
        fix.push(' ');
        fix.push_str(&hint);
    }
    Verdict {
        class,
        key_fact: (rule(class).key_fact)(&case),
        measurements: case.m,
        evidence,
        contributing,
        fix,
    }
}

#[cfg(test)]
mod settings_tests;
#[cfg(test)]
mod tests;
