//! Every text field of a result, for the output filters (redaction,
//! terminal escaping): the filters see each field with its kind.

use super::{
    Call, ExplainResult, FlowEntry, InputsSummary, Invocation, InvocationStatus, Link, LogLine,
    ScanResult, Scope, Verdict, XrayFetch,
};

/// What kind of text a field holds, so a filter can treat it accordingly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField<'a> {
    /// Names and ids (flow names, block labels, streams, request ids).
    Name,
    /// Free text from the logs, or built from them (lines, evidence, fixes).
    Log,
    /// A block's `Parameters` JSON.
    Parameters,
    /// A block's `Results`, with its block type.
    Results { module_type: &'a str },
}

/// A filter over text: `Some(new)` replaces the text.
pub type TextFilter<'f> = dyn FnMut(TextField<'_>, &str) -> Option<String> + 'f;

fn apply(filter: &mut TextFilter<'_>, field: TextField<'_>, text: &mut String) {
    if let Some(new) = filter(field, text) {
        *text = new;
    }
}

fn apply_opt(filter: &mut TextFilter<'_>, field: TextField<'_>, text: &mut Option<String>) {
    if let Some(t) = text {
        apply(filter, field, t);
    }
}

impl FlowEntry {
    fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        // The ids too: the flow log is JSON anyone's data can reach.
        apply(filter, TextField::Name, &mut self.contact_id);
        apply_opt(filter, TextField::Name, &mut self.contact_flow_id);
        if let Some(lambda) = &mut self.lambda {
            apply(filter, TextField::Name, &mut lambda.function_arn);
            apply(filter, TextField::Name, &mut lambda.function_name);
            apply_opt(filter, TextField::Name, &mut lambda.qualifier);
            apply_opt(filter, TextField::Name, &mut lambda.invocation_type);
        }
        apply_opt(filter, TextField::Name, &mut self.contact_flow_name);
        apply_opt(filter, TextField::Name, &mut self.identifier);
        apply(filter, TextField::Name, &mut self.module_type);
        apply_opt(filter, TextField::Parameters, &mut self.parameters);
        let module_type = self.module_type.clone();
        let field = TextField::Results {
            module_type: &module_type,
        };
        apply_opt(filter, field, &mut self.results);
    }
}

impl Invocation {
    fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        apply(filter, TextField::Name, &mut self.log_stream);
        apply(filter, TextField::Name, &mut self.request_id);
        apply(filter, TextField::Name, &mut self.function);
        apply(filter, TextField::Name, &mut self.log_group);
        if let Some(trace) = &mut self.trace {
            apply(filter, TextField::Name, &mut trace.trace_id);
        }
        let lines = self
            .init_lines
            .iter_mut()
            .chain(&mut self.custom_lines)
            .chain(&mut self.platform_lines);
        for line in lines {
            line.map_texts(filter);
        }
        if let InvocationStatus::Error(Some(t)) = &mut self.status {
            apply(filter, TextField::Name, t);
        }
        if let XrayFetch::Found(trace) = &mut self.xray {
            for call in &mut trace.calls {
                call.map_texts(filter);
            }
        }
    }
}

impl Call {
    /// A call's texts come from a trace, like log text: URLs may carry
    /// personal data.
    fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        apply(filter, TextField::Log, &mut self.name);
        apply_opt(filter, TextField::Log, &mut self.resource);
        apply_opt(filter, TextField::Log, &mut self.url);
    }
}

impl LogLine {
    fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        apply(filter, TextField::Log, &mut self.text);
        apply_opt(filter, TextField::Log, &mut self.message);
    }
}

impl Link {
    fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        apply(filter, TextField::Name, &mut self.searched_group);
        for inv in &mut self.invocations {
            inv.map_texts(filter);
        }
    }
}

impl Scope {
    fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        apply(filter, TextField::Name, &mut self.connect_group);
        for group in &mut self.lambda_groups {
            apply(filter, TextField::Name, group);
        }
    }
}

impl Verdict {
    fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        for e in &mut self.evidence {
            apply(filter, TextField::Log, &mut e.text);
        }
        apply(filter, TextField::Log, &mut self.fix);
        apply(filter, TextField::Log, &mut self.action);
        apply(filter, TextField::Log, &mut self.key_fact);
        if let Some(run) = self.measurements.run.as_mut() {
            if let Some(line) = run.last_line.as_mut() {
                line.map_texts(filter);
            }
            if let Some(reading) = run.xray.as_mut() {
                let open = reading.open_at_limit.iter_mut().map(|(c, _)| c);
                for call in open.chain(reading.slowest.iter_mut().map(|(c, _)| c)) {
                    call.map_texts(filter);
                }
            }
        }
    }
}

impl InputsSummary {
    fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        for file in &mut self.files {
            apply(filter, TextField::Name, &mut file.file);
            for skip in &mut file.skipped {
                apply(filter, TextField::Log, &mut skip.reason);
            }
        }
    }
}

impl ScanResult {
    /// Pass every text of the result through `filter`.
    pub fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        for f in &mut self.failures {
            f.block.map_texts(filter);
            f.link.map_texts(filter);
            f.verdict.map_texts(filter);
        }
        self.scope.map_texts(filter);
        self.inputs.map_texts(filter);
    }
}

impl ExplainResult {
    /// Pass every text of the result through `filter`.
    pub fn map_texts(&mut self, filter: &mut TextFilter<'_>) {
        for b in &mut self.blocks {
            b.entry.map_texts(filter);
            if let Some(link) = &mut b.link {
                link.map_texts(filter);
            }
            if let Some(verdict) = &mut b.verdict {
                verdict.map_texts(filter);
            }
        }
        apply(filter, TextField::Name, &mut self.contact_id);
        self.scope.map_texts(filter);
        self.inputs.map_texts(filter);
    }
}
