//! The definitions `check` reads from files, as the AWS CLI prints them
//! with `--output json`: flows (`describe-contact-flow`,
//! `describe-contact-flow-module`, or the flow language itself), function
//! configurations (`get-function-configuration`, `get-function`,
//! `list-functions`) and provisioned concurrency
//! (`list-provisioned-concurrency-configs`). Told by content, like the log
//! exports; names and folders carry no meaning.
//!
//! Only the envelope is read here: a flow's content stays text for
//! `parse::flow`. What cannot be used is said with its line, never fatal.

use super::{open_regular, peek_start, Format, InputError, InputFile, StartKind, PEEK_BYTES};
use crate::model::{FunctionDefinition, FunctionRef, RawFlow};
use serde_json::Value;
use std::io::{BufReader, Read};

/// Definitions are small (a flow is kilobytes, a thousand functions a few
/// megabytes); a file this large that starts like one is not read whole.
const MAX_DEFINITION_BYTES: u64 = 64 << 20;

/// What one file held.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitionDocument {
    pub format: Format,
    pub flows: Vec<RawFlow>,
    pub functions: Vec<FunctionDefinition>,
    /// Aliases and versions with provisioned concurrency.
    pub provisioned: Vec<FunctionRef>,
    /// Flows, functions or list entries read.
    pub items: u64,
    /// What could not be used: the line and the problem.
    pub problems: Vec<(u64, String)>,
}

/// The definitions in `file`; `None` when it is something else (a log
/// export, traces).
pub fn read_definitions(file: &InputFile) -> Result<Option<DefinitionDocument>, InputError> {
    let path = file.display.as_str();
    let mut reader = BufReader::with_capacity(PEEK_BYTES, open_regular(&file.path, path)?);
    let start = peek_start(&mut reader).map_err(|e| InputError::from_io(path, None, e))?;
    let StartKind::Document(format) = start.kind else {
        return Ok(None);
    };
    if !format.is_definition() {
        return Ok(None);
    }
    let mut doc = DefinitionDocument {
        format,
        flows: Vec::new(),
        functions: Vec::new(),
        provisioned: Vec::new(),
        items: 0,
        problems: Vec::new(),
    };
    let first_line = start.line_offset + 1;
    let mut bytes = Vec::new();
    let read = reader
        .take(MAX_DEFINITION_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::from_io(path, None, e))?;
    if read as u64 > MAX_DEFINITION_BYTES {
        let problem = format!(
            "a {} document larger than {} MB: not read",
            format.as_str(),
            MAX_DEFINITION_BYTES >> 20
        );
        doc.problems.push((first_line, problem));
        return Ok(Some(doc));
    }
    let Ok(text) = String::from_utf8(bytes) else {
        doc.problems.push((first_line, "invalid UTF-8".into()));
        return Ok(Some(doc));
    };
    read_pages(&text, start.line_offset, format, path, &mut doc);
    Ok(Some(doc))
}

/// Every JSON document in the text (the CLI's pages may be concatenated).
fn read_pages(
    text: &str,
    line_offset: u64,
    format: Format,
    path: &str,
    doc: &mut DefinitionDocument,
) {
    let line_at = |offset: usize| {
        line_offset
            + 1
            + text.as_bytes()[..offset.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64
    };
    let mut pages = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    loop {
        let at = pages.byte_offset();
        let page = match pages.next() {
            None => break,
            Some(Ok(page)) => page,
            Some(Err(e)) => {
                let problem = format!(
                    "truncated or invalid JSON at column {}: {e}; rest of the file not read",
                    e.column()
                );
                doc.problems.push((line_offset + e.line() as u64, problem));
                break;
            }
        };
        // The page starts after the whitespace before it.
        let skipped = text[at..].len() - text[at..].trim_start().len();
        read_page(&page, format, path, line_at(at + skipped), doc);
    }
}

fn read_page(page: &Value, format: Format, path: &str, line: u64, doc: &mut DefinitionDocument) {
    let mut problem = |text: String| doc.problems.push((line, text));
    match format {
        Format::ContactFlow => match contact_flow(page, path) {
            Ok(flow) => {
                doc.items += 1;
                doc.flows.push(flow);
            }
            Err(e) => problem(e),
        },
        Format::FlowLanguage => {
            doc.items += 1;
            doc.flows.push(RawFlow {
                name: None,
                id: None,
                arn: None,
                flow_type: None,
                module: false,
                state: None,
                content: page.to_string(),
                origin: path.to_string(),
            });
        }
        Format::ContactFlowList => {
            let summaries = ["ContactFlowSummaryList", "ContactFlowModulesSummaryList"]
                .iter()
                .filter_map(|key| page.get(key).and_then(Value::as_array))
                .map(Vec::len)
                .sum::<usize>();
            doc.items += summaries as u64;
        }
        Format::FunctionConfiguration => {
            // `get-function` nests the configuration, beside the reserved
            // concurrency.
            let (config, concurrency) = match page.get("Configuration") {
                Some(config) => (config, page.get("Concurrency")),
                None => (page, None),
            };
            match function_definition(config, path) {
                Ok(mut f) => {
                    f.reserved_concurrency = concurrency
                        .and_then(|c| c.get("ReservedConcurrentExecutions"))
                        .and_then(number);
                    doc.items += 1;
                    doc.functions.push(f);
                }
                Err(e) => problem(e),
            }
        }
        Format::FunctionList => {
            let Some(functions) = page.get("Functions").and_then(Value::as_array) else {
                return problem("a list-functions page without Functions".into());
            };
            for (i, f) in functions.iter().enumerate() {
                match function_definition(f, path) {
                    Ok(f) => {
                        doc.items += 1;
                        doc.functions.push(f);
                    }
                    Err(e) => doc.problems.push((line, format!("Functions[{i}]: {e}"))),
                }
            }
        }
        Format::ProvisionedConcurrency => {
            let configs = page
                .get("ProvisionedConcurrencyConfigs")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            for config in configs {
                doc.items += 1;
                let failed = config.get("Status").and_then(Value::as_str) == Some("FAILED");
                let arn = config.get("FunctionArn").and_then(Value::as_str);
                match arn.map(FunctionRef::from_arn) {
                    Some(target) if !failed => doc.provisioned.push(target),
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// `{"ContactFlow": {...}}` or `{"ContactFlowModule": {...}}`.
fn contact_flow(page: &Value, path: &str) -> Result<RawFlow, String> {
    let (flow, module) = match (page.get("ContactFlow"), page.get("ContactFlowModule")) {
        (Some(flow), _) => (flow, false),
        (None, Some(module)) => (module, true),
        _ => return Err("neither ContactFlow nor ContactFlowModule".into()),
    };
    let string = |key: &str| flow.get(key).and_then(Value::as_str).map(str::to_string);
    let content = string("Content").ok_or_else(|| {
        "a flow without Content (describe-contact-flow prints it; list-contact-flows does not)"
            .to_string()
    })?;
    Ok(RawFlow {
        name: string("Name"),
        id: string("Id"),
        arn: string("Arn"),
        flow_type: string("Type"),
        module,
        state: string("State"),
        content,
        origin: path.to_string(),
    })
}

/// One function's configuration, as `get-function-configuration` prints it.
fn function_definition(config: &Value, path: &str) -> Result<FunctionDefinition, String> {
    let name = config
        .get("FunctionName")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .ok_or("a function configuration without FunctionName")?;
    let string = |key: &str| config.get(key).and_then(Value::as_str).map(str::to_string);
    let arn = string("FunctionArn");
    // A qualified ARN: the configuration of that alias or version.
    let qualifier = arn
        .as_deref()
        .map(FunctionRef::from_arn)
        .filter(|r| r.name == name && !r.is_latest())
        .and_then(|r| r.qualifier);
    let vpc = config.get("VpcConfig");
    let subnets = vpc
        .and_then(|v| v.get("SubnetIds"))
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    let vpc_id = vpc
        .and_then(|v| v.get("VpcId"))
        .and_then(Value::as_str)
        .is_some_and(|id| !id.is_empty());
    let snap_start = config
        .get("SnapStart")
        .and_then(|s| s.get("ApplyOn"))
        .and_then(Value::as_str)
        == Some("PublishedVersions");
    let mut f = FunctionDefinition::named(name, path);
    f.arn = arn;
    f.qualifier = qualifier;
    f.runtime = string("Runtime");
    f.timeout_s = config.get("Timeout").and_then(number);
    f.memory_mb = config.get("MemorySize").and_then(number);
    f.vpc_attached = subnets || vpc_id;
    f.snap_start = snap_start;
    f.state = string("State");
    f.state_reason = string("StateReason");
    f.last_update_status = string("LastUpdateStatus");
    Ok(f)
}

/// A whole number, as a JSON number or a string of digits.
fn number(value: &Value) -> Option<u32> {
    match value {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;
    use std::path::Path;
    use tempfile::TempDir;

    fn read(content: &str) -> Option<DefinitionDocument> {
        let dir = TempDir::new().expect("tempdir");
        let path = dir.path().join("x.json");
        fs::write(&path, content).expect("write");
        read_file(&path)
    }

    fn read_file(path: &Path) -> Option<DefinitionDocument> {
        let file = InputFile {
            path: path.to_path_buf(),
            display: "x.json".into(),
            group_hint: None,
        };
        read_definitions(&file).expect("readable")
    }

    #[test]
    fn describe_contact_flow_keeps_the_content_as_text() {
        let doc = serde_json::json!({"ContactFlow": {
            "Arn": "arn:aws:connect:us-east-1:111122223333:instance/i/contact-flow/f",
            "Id": "f", "Name": "Main IVR", "Type": "CONTACT_FLOW", "State": "ACTIVE",
            "Status": "PUBLISHED", "Description": "",
            "Content": "{\"Version\":\"2019-10-30\",\"Actions\":[]}", "Tags": {}}});
        let read = read(&serde_json::to_string_pretty(&doc).expect("json")).expect("a definition");
        assert_eq!(read.format, Format::ContactFlow);
        assert_eq!(read.items, 1);
        let flow = &read.flows[0];
        assert_eq!(flow.name.as_deref(), Some("Main IVR"));
        assert_eq!(flow.content, "{\"Version\":\"2019-10-30\",\"Actions\":[]}");
        assert!(!flow.module && !flow.is_archived());
        let module = read_flow_module();
        assert!(module.flows[0].module);
    }

    fn read_flow_module() -> DefinitionDocument {
        let doc = r#"{"ContactFlowModule": {"Id": "m", "Name": "Auth", "Content": "{}", "State": "ARCHIVED"}}"#;
        read(doc).expect("a definition")
    }

    #[test]
    fn a_flow_without_content_is_said_with_its_line() {
        let doc = "\n\n{\"ContactFlow\": {\"Name\": \"Main\"}}";
        let read = read(doc).expect("a definition");
        assert!(read.flows.is_empty());
        assert_eq!(read.problems.len(), 1);
        assert_eq!(read.problems[0].0, 3);
        assert!(
            read.problems[0].1.contains("without Content"),
            "{:?}",
            read.problems
        );
    }

    #[test]
    fn configurations_functions_and_provisioned_concurrency() {
        let config = r#"{
            "FunctionName": "crm-lookup",
            "FunctionArn": "arn:aws:lambda:us-east-1:111122223333:function:crm-lookup:live",
            "Runtime": "java21", "Timeout": 3, "MemorySize": 512,
            "VpcConfig": {"SubnetIds": ["subnet-0a1b"], "SecurityGroupIds": [], "VpcId": "vpc-1"},
            "SnapStart": {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"},
            "State": "Active", "LastUpdateStatus": "Successful"}"#;
        let read = read(config).expect("a definition");
        let f = &read.functions[0];
        assert_eq!(f.qualifier.as_deref(), Some("live"));
        assert_eq!((f.timeout_s, f.memory_mb), (Some(3), Some(512)));
        assert!(f.vpc_attached && f.snap_start);
        let get_function = r#"{"Configuration": {"FunctionName": "f", "FunctionArn": "arn:aws:lambda:us-east-1:1:function:f",
            "VpcConfig": {"SubnetIds": [], "VpcId": ""}}, "Code": {}, "Concurrency": {"ReservedConcurrentExecutions": 0}}"#;
        let f = &read_ok(get_function).functions[0];
        assert_eq!(
            (f.qualifier.as_deref(), f.reserved_concurrency),
            (None, Some(0))
        );
        assert!(!f.vpc_attached && f.timeout_defaulted());
        let list = r#"{"Functions": [{"FunctionName": "a"}, {"Runtime": "x"}]}
                      {"Functions": [{"FunctionName": "b", "Timeout": "8"}]}"#;
        let read = read_ok(list);
        let names: Vec<&str> = read.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(read.functions[1].timeout_s, Some(8));
        assert_eq!(
            read.problems,
            vec![(
                1,
                "Functions[1]: a function configuration without FunctionName".to_string()
            )]
        );
        let pc = r#"{"ProvisionedConcurrencyConfigs": [
            {"FunctionArn": "arn:aws:lambda:us-east-1:1:function:crm:live", "Status": "READY"},
            {"FunctionArn": "arn:aws:lambda:us-east-1:1:function:crm:7", "Status": "FAILED"}]}"#;
        let read = read_ok(pc);
        assert_eq!(
            read.provisioned,
            vec![FunctionRef::new("crm", Some("live".into()))]
        );
        assert_eq!(read.items, 2);
    }

    fn read_ok(content: &str) -> DefinitionDocument {
        read(content).expect("a definition")
    }

    #[test]
    fn raw_flows_lists_and_other_files() {
        let raw = read_ok(r#"{"Version": "2019-10-30", "StartAction": "a", "Actions": []}"#);
        assert_eq!(raw.format, Format::FlowLanguage);
        assert!(raw.flows[0].name.is_none());
        let list = read_ok(r#"{"ContactFlowSummaryList": [{"Id": "a"}, {"Id": "b"}]}"#);
        assert_eq!((list.items, list.flows.len()), (2, 0));
        assert!(read(r#"{"events": []}"#).is_none());
        assert!(read("{\"timestamp\": 1, \"message\": \"m\"}\n").is_none());
        let cut = read_ok("{\"Functions\": [{\"FunctionName\": \"a\"}, ");
        assert!(cut.functions.is_empty());
        assert!(
            cut.problems[0].1.starts_with("truncated or invalid JSON"),
            "{:?}",
            cut.problems
        );
    }
}
