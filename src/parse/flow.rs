//! The Amazon Connect flow language (`Version` `2019-10-30`): the content
//! of `DescribeContactFlow`, of a flow module, or of a flow exported from
//! the console. Text in, `FlowDefinition` out.
//!
//! Read leniently, as the flow logs are: a number where the language has a
//! string (`"InvocationTimeLimitSeconds": 5`, as some generators write it)
//! is taken, an action without an identifier or type is skipped and said,
//! and a document that is not a flow at all is an error naming why.

use crate::model::conventions::{
    INVOKE_LAMBDA_ACTION, MAX_ASYNC_BLOCK_LIMIT_MS, MAX_SYNC_BLOCK_LIMIT_MS,
};
use crate::model::{
    ActionKind, Branch, FlowAction, FlowDefinition, FunctionRef, FunctionTarget, InvocationMode,
    LambdaCall, RawFlow, Transition,
};
use serde_json::{Map, Value};

/// Why a flow's content could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FlowParseError {
    #[error("the flow content is not JSON: {0}")]
    NotJson(String),
    #[error("the flow content is not a flow-language document (no Actions list)")]
    NoActions,
}

/// A flow, and what in it could not be used (each skipped action, said).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFlow {
    pub flow: FlowDefinition,
    pub problems: Vec<String>,
}

/// Parse a flow's content.
pub fn parse_flow(raw: &RawFlow) -> Result<ParsedFlow, FlowParseError> {
    let doc: Value =
        serde_json::from_str(&raw.content).map_err(|e| FlowParseError::NotJson(e.to_string()))?;
    let doc = doc.as_object().ok_or(FlowParseError::NoActions)?;
    let actions = doc
        .get("Actions")
        .and_then(Value::as_array)
        .ok_or(FlowParseError::NoActions)?;
    let mut problems = Vec::new();
    let mut parsed = Vec::with_capacity(actions.len());
    for (i, action) in actions.iter().enumerate() {
        match parse_action(action) {
            Ok(action) => parsed.push(action),
            Err(problem) => problems.push(format!("action {} skipped: {problem}", i + 1)),
        }
    }
    let flow = FlowDefinition {
        name: flow_name(raw, doc),
        id: raw.id.clone(),
        module: raw.module,
        start: doc.get("StartAction").and_then(text),
        actions: parsed,
        origin: raw.origin.clone(),
    };
    Ok(ParsedFlow { flow, problems })
}

/// The envelope's name, else the document's own (`Metadata.name`, as the
/// console exports it), else where it came from.
fn flow_name(raw: &RawFlow, doc: &Map<String, Value>) -> String {
    let own = doc
        .get("Metadata")
        .and_then(|m| m.get("name"))
        .and_then(text);
    raw.name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .or(own)
        .unwrap_or_else(|| format!("(unnamed flow in {})", raw.origin))
}

fn parse_action(action: &Value) -> Result<FlowAction, &'static str> {
    let action = action.as_object().ok_or("not an object")?;
    let identifier = action
        .get("Identifier")
        .and_then(text)
        .ok_or("no Identifier")?;
    let action_type = action.get("Type").and_then(text).ok_or("no Type")?;
    let empty = Map::new();
    let parameters = action
        .get("Parameters")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let kind = if action_type == INVOKE_LAMBDA_ACTION {
        ActionKind::InvokeLambda(lambda_call(parameters))
    } else {
        ActionKind::Other
    };
    let transitions = action
        .get("Transitions")
        .and_then(Value::as_object)
        .map(transitions)
        .unwrap_or_default();
    Ok(FlowAction {
        identifier,
        action_type,
        kind,
        transitions,
    })
}

/// An `InvokeLambdaFunction` block's parameters.
fn lambda_call(parameters: &Map<String, Value>) -> LambdaCall {
    let mode = match parameters.get("InvocationType").and_then(text) {
        Some(t) if t.eq_ignore_ascii_case("ASYNCHRONOUS") => InvocationMode::Asynchronous,
        // Absent in flows older than the asynchronous mode: synchronous.
        _ => InvocationMode::Synchronous,
    };
    let target = match parameters.get("LambdaFunctionARN").and_then(text) {
        // A flow attribute, resolved per contact.
        Some(arn) if arn.trim_start().starts_with('$') => FunctionTarget::Dynamic(arn),
        Some(arn) => FunctionTarget::Named(FunctionRef::from_arn(&arn)),
        None => FunctionTarget::Dynamic(String::new()),
    };
    let given = parameters
        .get("InvocationTimeLimitSeconds")
        .and_then(text)
        .and_then(|t| seconds_to_ms(&t));
    let max = match mode {
        InvocationMode::Synchronous => MAX_SYNC_BLOCK_LIMIT_MS,
        InvocationMode::Asynchronous => MAX_ASYNC_BLOCK_LIMIT_MS,
    };
    LambdaCall {
        target,
        // [?] A block without a readable limit (absent, or a flow
        // attribute): taken at the mode's maximum, and said.
        limit_ms: given.unwrap_or(max),
        limit_assumed: given.is_none(),
        mode,
        response_type: parameters
            .get("ResponseValidation")
            .and_then(|r| r.get("ResponseType"))
            .and_then(text),
    }
}

/// `InvocationTimeLimitSeconds`: whole or fractional seconds, positive.
fn seconds_to_ms(text: &str) -> Option<u32> {
    let seconds: f64 = text.trim().parse().ok()?;
    let ms = (seconds * 1000.0).round();
    (seconds.is_finite() && ms >= 1.0 && ms <= f64::from(u32::MAX)).then_some(ms as u32)
}

/// Every way out: `NextAction`, each condition's, each error's.
fn transitions(t: &Map<String, Value>) -> Vec<Transition> {
    let mut out = Vec::new();
    if let Some(to) = t.get("NextAction").and_then(text) {
        out.push(Transition {
            to,
            branch: Branch::Next,
        });
    }
    for condition in list(t.get("Conditions")) {
        let Some(to) = condition.get("NextAction").and_then(text) else {
            continue;
        };
        let operands = condition
            .get("Condition")
            .and_then(|c| c.get("Operands"))
            .map(operands_text)
            .unwrap_or_default();
        out.push(Transition {
            to,
            branch: Branch::Condition(operands),
        });
    }
    for error in list(t.get("Errors")) {
        let Some(to) = error.get("NextAction").and_then(text) else {
            continue;
        };
        let error_type = error.get("ErrorType").and_then(text).unwrap_or_default();
        out.push(Transition {
            to,
            branch: Branch::Error(error_type),
        });
    }
    out
}

fn list(value: Option<&Value>) -> impl Iterator<Item = &Value> {
    value.and_then(Value::as_array).into_iter().flatten()
}

fn operands_text(operands: &Value) -> String {
    match operands {
        Value::Array(items) => items.iter().filter_map(text).collect::<Vec<_>>().join(", "),
        other => text(other).unwrap_or_default(),
    }
}

/// A scalar's text: a string's content, a number or boolean as written.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(content: &str) -> RawFlow {
        RawFlow {
            name: None,
            id: None,
            arn: None,
            flow_type: None,
            module: false,
            state: None,
            content: content.to_string(),
            origin: "flows/main.json".into(),
        }
    }

    /// A console export: prompt, input, an asynchronous call, the Wait on
    /// it and the Load result block, as in a real published flow.
    const ASYNC_FLOW: &str = r#"{
      "Version": "2019-10-30",
      "StartAction": "prompt",
      "Metadata": {"entryPointPosition": {"x": 40, "y": 40}, "name": "Async demo", "type": "contactFlow"},
      "Actions": [
        {"Parameters": {"Text": "Hello"}, "Identifier": "prompt", "Type": "MessageParticipant",
         "Transitions": {"NextAction": "invoke", "Errors": [{"NextAction": "invoke", "ErrorType": "NoMatchingError"}]}},
        {"Parameters": {"LambdaFunctionARN": "arn:aws:lambda:eu-west-2:111122223333:function:AsyncExecution:live",
                        "InvocationTimeLimitSeconds": "60", "InvocationType": "ASYNCHRONOUS",
                        "ResponseValidation": {"ResponseType": "JSON"}},
         "Identifier": "invoke", "Type": "InvokeLambdaFunction",
         "Transitions": {"NextAction": "wait", "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
        {"Parameters": {"TimeLimitSeconds": "60", "ContinueExecution": "TRUE"},
         "Identifier": "wait", "Type": "Wait",
         "Transitions": {"NextAction": "bye", "Conditions": [
            {"NextAction": "load", "Condition": {"Operator": "Equals", "Operands": ["LambdaReturned"]}}],
            "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
        {"Parameters": {"LambdaInvocationId": "$.LambdaInvocation.InvocationId"},
         "Identifier": "load", "Type": "LoadLambdaFunctionResult",
         "Transitions": {"NextAction": "bye", "Errors": [{"NextAction": "bye", "ErrorType": "InProgress"}]}},
        {"Parameters": {}, "Identifier": "bye", "Type": "DisconnectParticipant", "Transitions": {}}
      ]
    }"#;

    #[test]
    fn a_console_export_names_itself_and_keeps_every_branch() {
        let parsed = parse_flow(&raw(ASYNC_FLOW)).expect("a flow");
        assert!(parsed.problems.is_empty());
        let flow = parsed.flow;
        assert_eq!(flow.name, "Async demo");
        assert_eq!(flow.start.as_deref(), Some("prompt"));
        assert_eq!(flow.actions.len(), 5);
        let invoke = flow.action("invoke").expect("invoke");
        let call = invoke.lambda_call().expect("a Lambda call");
        assert_eq!(
            call.function(),
            Some(&FunctionRef::new("AsyncExecution", Some("live".into())))
        );
        assert_eq!((call.limit_ms, call.limit_assumed), (60_000, false));
        assert_eq!(call.mode, InvocationMode::Asynchronous);
        assert_eq!(call.response_type.as_deref(), Some("JSON"));
        let wait = flow.action("wait").expect("wait");
        assert!(wait.breaks_chain());
        assert_eq!(
            wait.transitions,
            vec![
                Transition {
                    to: "bye".into(),
                    branch: Branch::Next
                },
                Transition {
                    to: "load".into(),
                    branch: Branch::Condition("LambdaReturned".into())
                },
                Transition {
                    to: "bye".into(),
                    branch: Branch::Error("NoMatchingError".into())
                },
            ]
        );
        assert!(flow.action("bye").expect("bye").is_disconnect());
        assert_eq!(flow.lambda_calls().count(), 1);
    }

    #[test]
    fn the_envelope_name_wins_and_an_unnamed_flow_says_where_it_was() {
        let mut named = raw(ASYNC_FLOW);
        named.name = Some("Main IVR".into());
        assert_eq!(parse_flow(&named).expect("flow").flow.name, "Main IVR");
        let bare = raw(r#"{"Version": "2019-10-30", "Actions": []}"#);
        assert_eq!(
            parse_flow(&bare).expect("flow").flow.name,
            "(unnamed flow in flows/main.json)"
        );
    }

    fn call_of(parameters: &str) -> LambdaCall {
        let doc = format!(
            r#"{{"Actions": [{{"Identifier": "x", "Type": "InvokeLambdaFunction", "Parameters": {parameters}}}]}}"#
        );
        let flow = parse_flow(&raw(&doc)).expect("flow").flow;
        flow.actions[0].lambda_call().expect("a call").clone()
    }

    #[test]
    fn a_missing_invocation_type_is_synchronous_and_limits_are_read_leniently() {
        let call =
            call_of(r#"{"LambdaFunctionARN": "crm-lookup", "InvocationTimeLimitSeconds": "3"}"#);
        assert_eq!(call.mode, InvocationMode::Synchronous);
        assert_eq!((call.limit_ms, call.limit_assumed), (3_000, false));
        assert_eq!(call.function(), Some(&FunctionRef::new("crm-lookup", None)));
        // A generator's number, not the language's string.
        let call = call_of(r#"{"LambdaFunctionARN": "crm", "InvocationTimeLimitSeconds": 5}"#);
        assert_eq!(call.limit_ms, 5_000);
        // No limit, or a flow attribute: the mode's maximum, assumed.
        let call = call_of(r#"{"LambdaFunctionARN": "crm"}"#);
        assert_eq!((call.limit_ms, call.limit_assumed), (8_000, true));
        let call = call_of(
            r#"{"LambdaFunctionARN": "crm", "InvocationType": "ASYNCHRONOUS", "InvocationTimeLimitSeconds": "$.Attributes.t"}"#,
        );
        assert_eq!((call.limit_ms, call.limit_assumed), (60_000, true));
        let call = call_of(r#"{"LambdaFunctionARN": "crm", "InvocationTimeLimitSeconds": "0"}"#);
        assert!(call.limit_assumed);
    }

    /// The flow's ARNs and the logs' are read alike.
    #[test]
    fn function_arns_are_split_as_the_flow_logs_split_them() {
        for arn in [
            "arn:aws:lambda:us-east-1:111122223333:function:crm-lookup",
            "arn:aws:lambda:us-east-1:111122223333:function:crm-lookup:live",
            "arn:aws:lambda:us-east-1:111122223333:function:crm-lookup:$LATEST",
            "111122223333:function:crm-lookup:7",
            "crm-lookup",
            "crm-lookup:live",
            "crm-lookup:",
            "arn:aws:states:us-east-1:111122223333:stateMachine:x",
            "  crm  ",
        ] {
            let (name, qualifier) = crate::parse::connect::split_function_arn(arn);
            assert_eq!(
                FunctionRef::from_arn(arn),
                FunctionRef::new(name, qualifier),
                "{arn}"
            );
        }
    }

    #[test]
    fn a_function_from_an_attribute_is_dynamic() {
        let call = call_of(r#"{"LambdaFunctionARN": "$.Attributes.handler"}"#);
        assert_eq!(
            call.target,
            FunctionTarget::Dynamic("$.Attributes.handler".into())
        );
        assert_eq!(call.function(), None);
        let call = call_of("{}");
        assert_eq!(call.function(), None);
    }

    #[test]
    fn bad_actions_are_skipped_and_said_and_non_flows_refused() {
        let doc = r#"{"Actions": [{"Type": "MessageParticipant"}, 7, {"Identifier": "ok", "Type": "Wait"}]}"#;
        let parsed = parse_flow(&raw(doc)).expect("flow");
        assert_eq!(parsed.flow.actions.len(), 1);
        assert_eq!(
            parsed.problems,
            vec![
                "action 1 skipped: no Identifier",
                "action 2 skipped: not an object"
            ]
        );
        assert_eq!(
            parse_flow(&raw(r#"{"Version": "2012-10-17", "Statement": []}"#)),
            Err(FlowParseError::NoActions)
        );
        assert!(matches!(
            parse_flow(&raw("{\"Actions\": [")),
            Err(FlowParseError::NotJson(_))
        ));
        assert_eq!(parse_flow(&raw("[]")), Err(FlowParseError::NoActions));
    }
}
