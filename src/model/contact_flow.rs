//! Contact flows as defined (the flow language of `DescribeContactFlow`'s
//! `Content`), for `check`: which blocks call which Lambda function, with
//! which limit, and where each block can lead.
//!
//! A source hands flows over as `RawFlow` (the content unparsed, with what
//! the envelope said of it); `parse::flow` turns the content into a
//! `FlowDefinition`.

use super::conventions::{CHAIN_BREAKING_ACTIONS, DISCONNECT_ACTION};

/// A flow as a source found it: the flow-language text and what the
/// envelope (`describe-contact-flow` output, or the API) said about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFlow {
    /// `ContactFlow.Name`; `None` for a raw flow-language document, which
    /// names itself in `Metadata.name`.
    pub name: Option<String>,
    pub id: Option<String>,
    pub arn: Option<String>,
    /// `CONTACT_FLOW`, `CUSTOMER_QUEUE`, ... when the envelope says.
    pub flow_type: Option<String>,
    /// A flow module (`describe-contact-flow-module`) rather than a flow.
    pub module: bool,
    /// `ACTIVE` or `ARCHIVED` when the envelope says.
    pub state: Option<String>,
    /// The flow language, as JSON text.
    pub content: String,
    /// Where it came from, for messages: a file (offline) or an API call.
    pub origin: String,
}

impl RawFlow {
    /// An archived flow runs for nobody: it is not checked.
    pub fn is_archived(&self) -> bool {
        self.state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("ARCHIVED"))
    }
}

/// One flow, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowDefinition {
    /// The envelope's name, else `Metadata.name`, else where it came from.
    pub name: String,
    pub id: Option<String>,
    pub module: bool,
    /// `StartAction`: where every contact enters.
    pub start: Option<String>,
    pub actions: Vec<FlowAction>,
    pub origin: String,
}

impl FlowDefinition {
    /// The action with this identifier.
    pub fn action(&self, identifier: &str) -> Option<&FlowAction> {
        self.actions.iter().find(|a| a.identifier == identifier)
    }

    /// The Lambda invocations of the flow, in document order.
    pub fn lambda_calls(&self) -> impl Iterator<Item = (&FlowAction, &LambdaCall)> {
        self.actions
            .iter()
            .filter_map(|a| a.lambda_call().map(|call| (a, call)))
    }
}

/// One block of a flow.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowAction {
    pub identifier: String,
    /// The flow-language `Type` (`InvokeLambdaFunction`, `MessageParticipant`...).
    pub action_type: String,
    pub kind: ActionKind,
    /// Every way out of the block: the default `NextAction`, each
    /// condition's and each error's.
    pub transitions: Vec<Transition>,
}

impl FlowAction {
    pub fn lambda_call(&self) -> Option<&LambdaCall> {
        match &self.kind {
            ActionKind::InvokeLambda(call) => Some(call),
            _ => None,
        }
    }

    /// Plays audio or takes input (or waits): the caller is not left in
    /// silence, so a chain of Lambda calls ends here.
    pub fn breaks_chain(&self) -> bool {
        CHAIN_BREAKING_ACTIONS.contains(&self.action_type.as_str())
    }

    pub fn is_disconnect(&self) -> bool {
        self.action_type == DISCONNECT_ACTION
    }

    /// Where the block's error branch (`NoMatchingError` for a Lambda
    /// block) leads.
    pub fn error_targets(&self) -> impl Iterator<Item = &str> {
        self.transitions
            .iter()
            .filter(|t| matches!(t.branch, Branch::Error(_)))
            .map(|t| t.to.as_str())
    }
}

/// What the checks need to know of a block beyond its type.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionKind {
    /// `InvokeLambdaFunction`.
    InvokeLambda(LambdaCall),
    /// Any other block.
    Other,
}

/// A way out of a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The identifier of the next block.
    pub to: String,
    pub branch: Branch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Branch {
    /// `Transitions.NextAction`: the default (success) branch.
    Next,
    /// A condition's branch, with its operands (`"true"`, `"LambdaReturned"`).
    Condition(String),
    /// An error's branch, with its `ErrorType` (`NoMatchingError`, `InProgress`).
    Error(String),
}

/// An "Invoke AWS Lambda function" block's call.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaCall {
    pub target: FunctionTarget,
    /// `InvocationTimeLimitSeconds` in milliseconds; when the block gives
    /// none that can be read, the mode's maximum (and `limit_assumed`).
    pub limit_ms: u32,
    pub limit_assumed: bool,
    pub mode: InvocationMode,
    /// `ResponseValidation.ResponseType` (`STRING_MAP`, `JSON`) when set.
    pub response_type: Option<String>,
}

impl LambdaCall {
    /// The function when the block names one outright.
    pub fn function(&self) -> Option<&FunctionRef> {
        match &self.target {
            FunctionTarget::Named(f) => Some(f),
            FunctionTarget::Dynamic(_) => None,
        }
    }

    pub fn is_synchronous(&self) -> bool {
        self.mode == InvocationMode::Synchronous
    }
}

/// `InvocationType`: absent means synchronous (flows older than the
/// asynchronous mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvocationMode {
    Synchronous,
    Asynchronous,
}

impl InvocationMode {
    pub fn as_str(self) -> &'static str {
        match self {
            InvocationMode::Synchronous => "synchronous",
            InvocationMode::Asynchronous => "asynchronous",
        }
    }
}

/// The function a block calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FunctionTarget {
    /// An ARN or a name, fixed in the flow.
    Named(FunctionRef),
    /// A flow attribute (`$.Attributes.fn`): known only when a contact runs.
    Dynamic(String),
}

/// A function and the alias or version a block calls it with.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FunctionRef {
    pub name: String,
    /// Alias or version (`live`, `7`, `$LATEST`); `None`: unqualified.
    pub qualifier: Option<String>,
}

impl FunctionRef {
    pub fn new(name: impl Into<String>, qualifier: Option<String>) -> Self {
        FunctionRef {
            name: name.into(),
            qualifier,
        }
    }

    /// A function reference as AWS writes it: a full ARN
    /// (`arn:aws:lambda:region:acct:function:NAME[:QUALIFIER]`), a partial
    /// one (`acct:function:NAME[:QUALIFIER]`), a bare `NAME` or
    /// `NAME:QUALIFIER`. An ARN of something else is kept whole. The same
    /// reading as the flow logs' (`parse::connect::split_function_arn`,
    /// which a test holds it to), here so that sources can read the ARNs of
    /// the Lambda API without a parser.
    pub fn from_arn(arn: &str) -> Self {
        let arn = arn.trim();
        let rest = match arn.find(":function:") {
            Some(at) => arn.get(at + ":function:".len()..).unwrap_or(""),
            None if arn.starts_with("arn:") => return FunctionRef::new(arn, None),
            None => arn,
        };
        match rest.split_once(':') {
            Some((name, qualifier)) if !qualifier.is_empty() => {
                FunctionRef::new(name, Some(qualifier.to_string()))
            }
            Some((name, _)) => FunctionRef::new(name, None),
            None => FunctionRef::new(rest, None),
        }
    }

    /// Calls `$LATEST`, named or not (SnapStart and provisioned
    /// concurrency never apply to it).
    pub fn is_latest(&self) -> bool {
        self.qualifier.as_deref().is_none_or(|q| q == "$LATEST")
    }

    /// `name` or `name:qualifier`.
    pub fn display(&self) -> String {
        match &self.qualifier {
            Some(q) => format!("{}:{q}", self.name),
            None => self.name.clone(),
        }
    }
}
