//! `check` without `--input`: the instance's flows through Amazon
//! Connect's API, the configuration of the functions they call through
//! Lambda's, and the period's evidence aggregated by AWS, never as log
//! lines: one Logs Insights `stats` query over the flow-log group (the
//! Lambda blocks counted by flow, block, function, limit and result), one
//! per function log group (percentiles of its REPORT lines), and
//! CloudWatch's `AWS/Lambda` metrics.
//!
//! A call that is denied, or that the endpoint does not offer, is a note
//! (said once, and listed under "not checked"), never an error: the check
//! goes on with what it has. Credentials, a query that failed and Ctrl-C
//! end the run, as for `scan`.

use super::aws_error::{describe, is_denied, retry_throttled};
use super::instance::{self, FlowLogging, InstanceError, InstanceRef};
use super::query::{self, parse_insights_time, QuerySpec, Record, RunnerConfig, Stats};
use super::runtime::{block_or_interrupt, interrupted, listen_for_ctrl_c};
use super::trace::Recorder;
use super::{credentials, queries, runtime, AwsSettings};
use crate::model::conventions::{
    connect_group, default_lambda_group, metric_period_s, LAMBDA_METRICS_NAMESPACE,
};
use crate::model::{
    AccountConcurrency, BlockCount, BlockCounts, FunctionCatalog, FunctionDefinition,
    FunctionHeadroom, FunctionMetrics, FunctionRef, InputFileSummary, InputsSummary, InstanceFacts,
    LiveRun, Millis, RawFlow,
};
use crate::source::definitions::{DefinitionSource, HeadroomWanted, PeriodAggregates};
use crate::source::SourceError;
use crate::units::format_time;
use aws_config::SdkConfig;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
use aws_sdk_connect::types::{ContactFlowModuleState, ContactFlowState};
use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use tokio::runtime::Runtime;
use tokio::sync::watch;

/// What a live check reads, and over which period.
#[derive(Debug, Clone)]
pub struct CheckSettings {
    /// `--instance` as given; `None`: the region's only instance.
    pub instance: Option<String>,
    /// `--log-group`: the flow-log group, named outright.
    pub log_group: Option<String>,
    /// The period, epoch ms.
    pub start: Millis,
    pub end: Millis,
    /// Now, epoch ms (how old the period is decides the metrics' interval).
    pub now: Millis,
    pub show_queries: bool,
    pub trace_calls: bool,
    pub runner: RunnerConfig,
}

/// The AWS clients a live check uses.
#[derive(Clone)]
pub struct Clients {
    pub connect: aws_sdk_connect::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
}

impl Clients {
    /// Clients from a configuration, each call recorded in `calls` (and
    /// printed when `print`).
    pub fn new(config: &SdkConfig, calls: &Arc<Mutex<Vec<String>>>, print: bool) -> Self {
        let recorder = |prefix: &'static str| Recorder {
            prefix,
            calls: calls.clone(),
            print,
        };
        Clients {
            connect: aws_sdk_connect::Client::from_conf(
                aws_sdk_connect::config::Builder::from(config)
                    .interceptor(recorder("connect"))
                    .build(),
            ),
            lambda: aws_sdk_lambda::Client::from_conf(
                aws_sdk_lambda::config::Builder::from(config)
                    .interceptor(recorder("lambda"))
                    .build(),
            ),
            logs: aws_sdk_cloudwatchlogs::Client::from_conf(
                aws_sdk_cloudwatchlogs::config::Builder::from(config)
                    .interceptor(recorder("logs"))
                    .build(),
            ),
            cloudwatch: aws_sdk_cloudwatch::Client::from_conf(
                aws_sdk_cloudwatch::config::Builder::from(config)
                    .interceptor(recorder("cloudwatch"))
                    .build(),
            ),
        }
    }
}

/// The live source of `check`: a `DefinitionSource` and the period's
/// aggregates.
pub struct LiveCheck {
    rt: Runtime,
    clients: Clients,
    settings: CheckSettings,
    region: String,
    ctrl_c: watch::Receiver<bool>,
    calls: Arc<Mutex<Vec<String>>>,
    instance: Option<InstanceFacts>,
    /// The flow-log group to count, when it exists.
    connect_group: Option<String>,
    /// Each function's log group, as its configuration says.
    log_groups: BTreeMap<String, String>,
    stats: Stats,
    notes: Vec<String>,
    notes_taken: usize,
    inputs: Vec<InputFileSummary>,
}

impl LiveCheck {
    /// Credentials and region from the default chain (with the flags'
    /// overrides), then the instance.
    pub fn open(aws: &AwsSettings, settings: CheckSettings) -> Result<Self, SourceError> {
        let rt = runtime::runtime()?;
        let config = rt.block_on(credentials::load_config(aws))?;
        let calls: Arc<Mutex<Vec<String>>> = Arc::default();
        let clients = Clients::new(&config, &calls, settings.trace_calls);
        let region = config.region().map(|r| r.to_string()).unwrap_or_default();
        Self::with_clients(rt, clients, calls, region, settings)
    }

    /// The same, with a configuration built by the caller (tests).
    pub fn with_config(
        rt: Runtime,
        config: &SdkConfig,
        settings: CheckSettings,
    ) -> Result<Self, SourceError> {
        let calls: Arc<Mutex<Vec<String>>> = Arc::default();
        let clients = Clients::new(config, &calls, settings.trace_calls);
        let region = config.region().map(|r| r.to_string()).unwrap_or_default();
        Self::with_clients(rt, clients, calls, region, settings)
    }

    /// The same, with clients built by the caller (tests).
    pub fn with_clients(
        rt: Runtime,
        clients: Clients,
        calls: Arc<Mutex<Vec<String>>>,
        region: String,
        settings: CheckSettings,
    ) -> Result<Self, SourceError> {
        let ctrl_c = listen_for_ctrl_c(&rt);
        let mut source = LiveCheck {
            rt,
            clients,
            settings,
            region,
            ctrl_c,
            calls,
            instance: None,
            connect_group: None,
            log_groups: BTreeMap::new(),
            stats: Stats::default(),
            notes: Vec::new(),
            notes_taken: 0,
            inputs: Vec::new(),
        };
        source.instance = source.find_instance()?;
        source.connect_group = source.find_connect_group()?;
        Ok(source)
    }

    /// Every AWS operation called so far, as `service:Operation`.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The instance, as Connect describes it (`None` when Connect could
    /// not be asked).
    pub fn instance_facts(&self) -> Option<&InstanceFacts> {
        self.instance.as_ref()
    }

    /// The flow-log group counted, when there is one.
    pub fn connect_group(&self) -> Option<&str> {
        self.connect_group.as_deref()
    }

    fn note(&mut self, text: String) {
        if !self.notes.contains(&text) {
            self.notes.push(text);
        }
    }

    fn block<T>(&self, fut: impl std::future::Future<Output = T>) -> Result<T, SourceError> {
        block_or_interrupt(&self.rt, &self.ctrl_c, fut)
    }

    fn summary(&mut self, file: String, format: &str, events: u64) {
        self.inputs.push(InputFileSummary {
            file,
            format: format.to_string(),
            events,
            skipped: Vec::new(),
        });
    }

    /// The instance `--instance` names (or the region's only one), and
    /// whether its flows may log.
    fn find_instance(&mut self) -> Result<Option<InstanceFacts>, SourceError> {
        let given = self.settings.instance.clone();
        let wanted = given.as_deref().map(|text| {
            if text.starts_with("arn:") || crate::model::conventions::is_uuid(text) {
                InstanceRef::IdOrArn(text)
            } else {
                InstanceRef::Alias(text)
            }
        });
        let region = self.region.clone();
        let found = self.block(instance::find(&self.clients.connect, wanted, &region))?;
        let found = match found {
            Ok(found) => found,
            Err(InstanceError::Fallback(why)) => {
                self.note(format!(
                    "{why}: the instance's flows and flow-logging setting not read"
                ));
                return Ok(None);
            }
            Err(InstanceError::NotFound { existing, .. }) if given.is_none() => {
                let there = match existing {
                    Ok(names) if names.is_empty() => {
                        format!("no Amazon Connect instance exists in {region}")
                    }
                    Ok(names) => format!(
                        "several Amazon Connect instances in {region} ({}): pick one with \
                         --instance",
                        names.join(", ")
                    ),
                    Err(why) => format!("the instances could not be listed ({why})"),
                };
                return Err(SourceError::Config(format!(
                    "check: which instance? {there}"
                )));
            }
            Err(e) => return Err(e.into()),
        };
        let flow_logs =
            match self.block(instance::flow_logging(&self.clients.connect, &found.id))? {
                FlowLogging::On => Some(true),
                FlowLogging::Off => Some(false),
                FlowLogging::Unknown(why) => {
                    self.note(format!(
                        "{why}: whether flow logging is on (flow_logging_off) not checked"
                    ));
                    None
                }
            };
        Ok(Some(InstanceFacts {
            id: found.id,
            alias: found.alias,
            flow_logs,
            region,
        }))
    }

    /// `--log-group`, else `/aws/connect/<alias>`, when it exists.
    fn find_connect_group(&mut self) -> Result<Option<String>, SourceError> {
        let group = match (&self.settings.log_group, &self.instance) {
            (Some(group), _) => group.clone(),
            (None, Some(InstanceFacts { alias: Some(a), .. })) => connect_group(a),
            (None, _) => match &self.settings.instance {
                Some(text) if !text.starts_with("arn:") => connect_group(text),
                _ => return Ok(None),
            },
        };
        let logs = self.clients.logs.clone();
        let prefix = group.clone();
        let listed = self.block(async move {
            logs.describe_log_groups()
                .log_group_name_prefix(&prefix)
                .send()
                .await
        })?;
        match listed {
            Ok(out) => {
                let exists = out
                    .log_groups()
                    .iter()
                    .any(|g| g.log_group_name() == Some(group.as_str()));
                if exists {
                    Ok(Some(group))
                } else {
                    self.note(format!(
                        "the flow-log group {group} does not exist: the throttles Connect logged \
                         not read"
                    ));
                    Ok(None)
                }
            }
            Err(e) if is_denied(&e) => {
                self.note(format!(
                    "{}: the flow logs not read",
                    first_line(&describe(&e, "logs:DescribeLogGroups", &group, ""))
                ));
                Ok(None)
            }
            Err(e) => Err(describe(&e, "logs:DescribeLogGroups", &group, "")),
        }
    }

    /// Run `stats` queries (one group each) with the runner's limits,
    /// back-off and Ctrl-C; their records, in order.
    fn run_stats(&mut self, specs: Vec<QuerySpec>) -> Result<Vec<Vec<Record>>, SourceError> {
        if self.settings.show_queries {
            for spec in &specs {
                eprintln!(
                    "query over {}:\n{}\n",
                    spec.window(),
                    spec.text(self.settings.runner.row_limit)
                );
            }
        }
        let mut stats = self.stats;
        let outcome = self.rt.block_on(query::run_queries(
            &self.clients.logs,
            specs,
            &self.settings.runner,
            &mut stats,
            &mut |_| {},
            interrupted(self.ctrl_c.clone()),
        ));
        self.stats = stats;
        let outcome = outcome?;
        for warning in outcome.warnings {
            self.note(warning);
        }
        Ok(outcome.records)
    }

    fn spec(&self, group: &str, query: String) -> QuerySpec {
        QuerySpec {
            groups: vec![group.to_string()],
            query,
            start: self.settings.start.div_euclid(1000),
            end: super::ceil_seconds(self.settings.end),
            aggregate: true,
        }
    }
}

/// The first line of an error's message (its advice follows on the next).
fn first_line(e: &SourceError) -> String {
    e.to_string().lines().next().unwrap_or_default().to_string()
}

// ---------------------------------------------------------------------------
// Flows
// ---------------------------------------------------------------------------

/// A flow or module as listed.
#[derive(Debug, Clone)]
struct Listed {
    id: String,
    name: Option<String>,
    module: bool,
}

/// ListContactFlows, then ListContactFlowModules, every page, without the
/// archived ones. `Err` carries the note for a listing that failed.
async fn list_flows(
    client: &aws_sdk_connect::Client,
    instance: &str,
    cfg: &RunnerConfig,
) -> (Vec<Listed>, Vec<String>, Result<(), SourceError>) {
    let mut listed = Vec::new();
    let mut notes = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = retry_throttled(cfg, || {
            client
                .list_contact_flows()
                .instance_id(instance)
                .set_next_token(token.clone())
                .send()
        })
        .await;
        match page {
            Ok(out) => {
                for flow in out.contact_flow_summary_list() {
                    let archived = flow.contact_flow_state() == Some(&ContactFlowState::Archived);
                    if let (Some(id), false) = (flow.id(), archived) {
                        listed.push(Listed {
                            id: id.to_string(),
                            name: flow.name().map(str::to_string),
                            module: false,
                        });
                    }
                }
                match out.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => break,
                }
            }
            Err(e) => match degrade(&e, "connect:ListContactFlows", instance) {
                Ok(note) => {
                    notes.push(format!("{note}: the instance's flows not read"));
                    return (listed, notes, Ok(()));
                }
                Err(err) => return (listed, notes, Err(err)),
            },
        }
    }
    let mut token: Option<String> = None;
    loop {
        let page = retry_throttled(cfg, || {
            client
                .list_contact_flow_modules()
                .instance_id(instance)
                .set_next_token(token.clone())
                .send()
        })
        .await;
        match page {
            Ok(out) => {
                for module in out.contact_flow_modules_summary_list() {
                    let archived = module.state() == Some(&ContactFlowModuleState::Archived);
                    if let (Some(id), false) = (module.id(), archived) {
                        listed.push(Listed {
                            id: id.to_string(),
                            name: module.name().map(str::to_string),
                            module: true,
                        });
                    }
                }
                match out.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => break,
                }
            }
            Err(e) => match degrade(&e, "connect:ListContactFlowModules", instance) {
                Ok(note) => {
                    notes.push(format!("{note}: the instance's flow modules not read"));
                    break;
                }
                Err(err) => return (listed, notes, Err(err)),
            },
        }
    }
    (listed, notes, Ok(()))
}

/// A failed call the check can go on without, as a note: the service
/// answered with an error (a denial, an operation the endpoint does not
/// have, as an emulator's HTML 404, or any other refusal of that one
/// resource). Credentials that do not work, and a call that never got an
/// answer, end the run.
fn degrade<E, R>(e: &SdkError<E, R>, action: &str, resource: &str) -> Result<String, SourceError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + super::aws_error::HttpStatus,
{
    let err = describe(e, action, resource, "");
    match (&err, e) {
        (SourceError::Service(_), SdkError::ServiceError(_)) => Ok(first_line(&err)),
        _ => Err(err),
    }
}

/// DescribeContactFlow (or DescribeContactFlowModule) of each: its
/// content, as the flow language. A flow not published, or one that
/// cannot be read, is a note.
async fn describe_flows(
    client: &aws_sdk_connect::Client,
    instance: &str,
    listed: &[Listed],
    cfg: &RunnerConfig,
) -> Result<(Vec<RawFlow>, Vec<String>), SourceError> {
    let mut flows = Vec::new();
    let mut notes = Vec::new();
    for item in listed {
        let label = item.name.clone().unwrap_or_else(|| item.id.clone());
        if item.module {
            let out = retry_throttled(cfg, || {
                client
                    .describe_contact_flow_module()
                    .instance_id(instance)
                    .contact_flow_module_id(&item.id)
                    .send()
            })
            .await;
            match out {
                Ok(out) => {
                    if let Some(m) = out.contact_flow_module() {
                        flows.push(RawFlow {
                            name: m.name().map(str::to_string).or(item.name.clone()),
                            id: m.id().map(str::to_string),
                            arn: m.arn().map(str::to_string),
                            flow_type: Some("MODULE".into()),
                            module: true,
                            state: m.state().map(|s| s.as_str().to_string()),
                            content: m.content().unwrap_or_default().to_string(),
                            origin: format!("connect:DescribeContactFlowModule {label}"),
                        });
                    }
                }
                Err(e) => {
                    let note = degrade(&e, "connect:DescribeContactFlowModule", &label)?;
                    notes.push(format!("{note}: flow module {label} not checked"));
                }
            }
            continue;
        }
        let out = retry_throttled(cfg, || {
            client
                .describe_contact_flow()
                .instance_id(instance)
                .contact_flow_id(&item.id)
                .send()
        })
        .await;
        match out {
            Ok(out) => {
                if let Some(f) = out.contact_flow() {
                    flows.push(RawFlow {
                        name: f.name().map(str::to_string).or(item.name.clone()),
                        id: f.id().map(str::to_string),
                        arn: f.arn().map(str::to_string),
                        flow_type: f.r#type().map(|t| t.as_str().to_string()),
                        module: false,
                        state: f.state().map(|s| s.as_str().to_string()),
                        content: f.content().unwrap_or_default().to_string(),
                        origin: format!("connect:DescribeContactFlow {label}"),
                    });
                }
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_contact_flow_not_published_exception()) =>
            {
                notes.push(format!(
                    "flow {label} has never been published: not checked (it runs for nobody)"
                ));
            }
            Err(e) => {
                let note = degrade(&e, "connect:DescribeContactFlow", &label)?;
                notes.push(format!("{note}: flow {label} not checked"));
            }
        }
    }
    Ok((flows, notes))
}

// ---------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------

/// What Lambda said of one function.
#[derive(Debug, Default)]
pub(crate) struct FunctionRead {
    pub configs: Vec<FunctionDefinition>,
    pub missing: Vec<(FunctionRef, String)>,
    pub provisioned: Vec<FunctionRef>,
    pub log_group: Option<String>,
    pub notes: Vec<String>,
}

/// GetFunctionConfiguration of the function and of each qualifier the
/// blocks call, GetFunctionConcurrency, ListProvisionedConcurrencyConfigs.
/// A function (or qualifier) Lambda does not know is missing; a denied
/// call, a note.
pub(crate) async fn read_function(
    client: &aws_sdk_lambda::Client,
    name: &str,
    qualifiers: &[String],
    cfg: &RunnerConfig,
) -> Result<FunctionRead, SourceError> {
    let mut read = FunctionRead::default();
    let mut targets: Vec<Option<&str>> = vec![None];
    targets.extend(qualifiers.iter().map(|q| Some(q.as_str())));
    for qualifier in targets {
        let resource = match qualifier {
            Some(q) => format!("{name}:{q}"),
            None => name.to_string(),
        };
        let out = retry_throttled(cfg, || {
            client
                .get_function_configuration()
                .function_name(name)
                .set_qualifier(qualifier.map(str::to_string))
                .send()
        })
        .await;
        match out {
            Ok(out) => {
                if qualifier.is_none() {
                    read.log_group = out
                        .logging_config()
                        .and_then(|l| l.log_group())
                        .filter(|g| !g.is_empty())
                        .map(str::to_string);
                }
                read.configs.push(definition(name, qualifier, &out));
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                let why = format!(
                    "lambda:GetFunctionConfiguration on {resource}: {}",
                    super::aws_error::detail(&e)
                );
                read.missing
                    .push((FunctionRef::new(name, qualifier.map(str::to_string)), why));
                if qualifier.is_none() {
                    // The function itself is missing: its qualifiers too.
                    return Ok(read);
                }
            }
            Err(e) => {
                let note = degrade(&e, "lambda:GetFunctionConfiguration", &resource)?;
                read.notes
                    .push(format!("{note}: {resource}'s configuration not checked"));
            }
        }
    }
    let concurrency = retry_throttled(cfg, || {
        client.get_function_concurrency().function_name(name).send()
    })
    .await;
    match concurrency {
        Ok(out) => {
            if let Some(reserved) = out.reserved_concurrent_executions() {
                let reserved = u32::try_from(reserved).unwrap_or(0);
                for config in &mut read.configs {
                    config.reserved_concurrency = Some(reserved);
                }
            }
        }
        Err(e) => {
            let note = degrade(&e, "lambda:GetFunctionConcurrency", name)?;
            read.notes
                .push(format!("{note}: {name}'s reserved concurrency not checked"));
        }
    }
    let mut marker: Option<String> = None;
    loop {
        let page = retry_throttled(cfg, || {
            client
                .list_provisioned_concurrency_configs()
                .function_name(name)
                .set_marker(marker.clone())
                .send()
        })
        .await;
        match page {
            Ok(out) => {
                for pc in out.provisioned_concurrency_configs() {
                    let failed = pc.status().is_some_and(|s| s.as_str() == "FAILED");
                    if let (Some(arn), false) = (pc.function_arn(), failed) {
                        read.provisioned.push(FunctionRef::from_arn(arn));
                    }
                }
                match out.next_marker() {
                    Some(m) if !m.is_empty() => marker = Some(m.to_string()),
                    _ => break,
                }
            }
            Err(e) => {
                let note = degrade(&e, "lambda:ListProvisionedConcurrencyConfigs", name)?;
                read.notes.push(format!(
                    "{note}: {name}'s provisioned concurrency unknown (taken as none)"
                ));
                break;
            }
        }
    }
    Ok(read)
}

/// A configuration as `check` reads it (as from a `get-function-configuration` file).
fn definition(
    name: &str,
    qualifier: Option<&str>,
    out: &GetFunctionConfigurationOutput,
) -> FunctionDefinition {
    let origin = match qualifier {
        Some(q) => format!("lambda:GetFunctionConfiguration {name}:{q}"),
        None => format!("lambda:GetFunctionConfiguration {name}"),
    };
    let mut f = FunctionDefinition::named(name, &origin);
    f.arn = out.function_arn().map(str::to_string);
    f.qualifier = qualifier.filter(|q| *q != "$LATEST").map(str::to_string);
    f.runtime = out.runtime().map(|r| r.as_str().to_string());
    f.timeout_s = out.timeout().and_then(|t| u32::try_from(t).ok());
    f.memory_mb = out.memory_size().and_then(|m| u32::try_from(m).ok());
    f.vpc_attached = out
        .vpc_config()
        .is_some_and(|v| !v.subnet_ids().is_empty() || v.vpc_id().is_some_and(|id| !id.is_empty()));
    f.snap_start = out
        .snap_start()
        .and_then(|s| s.apply_on())
        .is_some_and(|a| a.as_str() == "PublishedVersions");
    f.state = out.state().map(|s| s.as_str().to_string());
    f.state_reason = out.state_reason().map(str::to_string);
    f.last_update_status = out.last_update_status().map(|s| s.as_str().to_string());
    f
}

// ---------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------

/// The metrics of one function: what each query id stands for.
const FUNCTION_METRICS: [(&str, &str); 4] = [
    ("Throttles", "Sum"),
    ("Errors", "Sum"),
    ("Invocations", "Sum"),
    ("ConcurrentExecutions", "Maximum"),
];

/// GetMetricData of every function's metrics and the account's unreserved
/// concurrency over the period, every page; 500 queries a call at most.
pub(crate) async fn read_metrics(
    client: &aws_sdk_cloudwatch::Client,
    functions: &[String],
    (start, end): (Millis, Millis),
    period_s: u32,
    cfg: &RunnerConfig,
) -> Result<(Vec<FunctionMetrics>, Option<f64>, Vec<String>), SourceError> {
    let mut queries = Vec::new();
    for (i, function) in functions.iter().enumerate() {
        for (j, (metric, stat)) in FUNCTION_METRICS.iter().enumerate() {
            let dims = vec![Dimension::builder()
                .name("FunctionName")
                .value(function)
                .build()];
            queries.push(metric_query(
                &format!("f{i}m{j}"),
                metric,
                stat,
                dims,
                period_s,
            ));
        }
    }
    queries.push(metric_query(
        "account",
        "UnreservedConcurrentExecutions",
        "Maximum",
        Vec::new(),
        period_s,
    ));
    let mut points: BTreeMap<String, Vec<(Millis, f64)>> = BTreeMap::new();
    let mut notes = Vec::new();
    let to_time = |ms: Millis| aws_smithy_types::DateTime::from_millis(ms);
    for chunk in queries.chunks(500) {
        let mut token: Option<String> = None;
        loop {
            let out = retry_throttled(cfg, || {
                client
                    .get_metric_data()
                    .set_metric_data_queries(Some(chunk.to_vec()))
                    .start_time(to_time(start))
                    .end_time(to_time(end))
                    .set_next_token(token.clone())
                    .send()
            })
            .await;
            match out {
                Ok(out) => {
                    for result in out.metric_data_results() {
                        let Some(id) = result.id() else { continue };
                        let entry = points.entry(id.to_string()).or_default();
                        for (t, v) in result.timestamps().iter().zip(result.values()) {
                            entry.push((t.to_millis().unwrap_or(0), *v));
                        }
                    }
                    match out.next_token() {
                        Some(t) if !t.is_empty() => token = Some(t.to_string()),
                        _ => break,
                    }
                }
                Err(e) => {
                    let note = degrade(&e, "cloudwatch:GetMetricData", LAMBDA_METRICS_NAMESPACE)?;
                    notes.push(format!(
                        "{note}: the metrics (throttles, concurrency) not checked"
                    ));
                    return Ok((Vec::new(), None, notes));
                }
            }
        }
    }
    let series = |id: String| points.get(&id).cloned().unwrap_or_default();
    let sum = |p: &[(Millis, f64)]| (!p.is_empty()).then(|| p.iter().map(|(_, v)| v).sum());
    let max = |p: &[(Millis, f64)]| p.iter().map(|(_, v)| *v).reduce(f64::max);
    let metrics = functions
        .iter()
        .enumerate()
        .map(|(i, function)| {
            let throttles = series(format!("f{i}m0"));
            let throttled: Vec<Millis> = throttles
                .iter()
                .filter(|(_, v)| *v > 0.0)
                .map(|(t, _)| *t)
                .collect();
            FunctionMetrics {
                function: function.clone(),
                throttles: sum(&throttles),
                errors: sum(&series(format!("f{i}m1"))),
                invocations: sum(&series(format!("f{i}m2"))),
                max_concurrency: max(&series(format!("f{i}m3"))),
                first_throttle: throttled.iter().min().copied(),
                last_throttle: throttled.iter().max().copied(),
                period_s,
            }
        })
        .collect();
    Ok((metrics, max(&series("account".into())), notes))
}

fn metric_query(
    id: &str,
    metric: &str,
    stat: &str,
    dimensions: Vec<Dimension>,
    period_s: u32,
) -> MetricDataQuery {
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(
            MetricStat::builder()
                .metric(
                    Metric::builder()
                        .namespace(LAMBDA_METRICS_NAMESPACE)
                        .metric_name(metric)
                        .set_dimensions(Some(dimensions))
                        .build(),
                )
                .period(i32::try_from(period_s).unwrap_or(i32::MAX))
                .stat(stat)
                .build(),
        )
        .return_data(true)
        .build()
}

/// GetAccountSettings: the account's concurrency limits.
async fn read_account(
    client: &aws_sdk_lambda::Client,
    cfg: &RunnerConfig,
) -> Result<(Option<u32>, Option<u32>, Option<String>), SourceError> {
    match retry_throttled(cfg, || client.get_account_settings().send()).await {
        Ok(out) => {
            let limit = out.account_limit();
            Ok((
                limit.and_then(|l| u32::try_from(l.concurrent_executions()).ok()),
                limit
                    .and_then(|l| l.unreserved_concurrent_executions())
                    .and_then(|u| u32::try_from(u).ok()),
                None,
            ))
        }
        Err(e) => {
            let note = degrade(&e, "lambda:GetAccountSettings", "the account")?;
            Ok((
                None,
                None,
                Some(format!(
                    "{note}: the account's concurrency limit unknown (throttling's \
                     account_concurrency_near not checked)"
                )),
            ))
        }
    }
}

// ---------------------------------------------------------------------------
// The aggregates' records
// ---------------------------------------------------------------------------

fn value<'a>(record: &'a Record, name: &str) -> Option<&'a str> {
    record
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

fn number(record: &Record, name: &str) -> Option<f64> {
    value(record, name)
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| v.is_finite())
}

fn count(record: &Record, name: &str) -> u64 {
    number(record, name).map_or(0, |n| n.max(0.0).round() as u64)
}

/// The records of `queries::headroom_query`: one per outcome (the
/// successes, in the row without `failed`, and the failures).
pub(crate) fn headroom_of(
    function: &str,
    log_group: &str,
    count_init: bool,
    records: &[Record],
) -> FunctionHeadroom {
    let mut h = FunctionHeadroom {
        function: function.to_string(),
        log_group: log_group.to_string(),
        init_counted: count_init,
        ..FunctionHeadroom::default()
    };
    for record in records {
        let calls = count(record, "calls");
        let colds = count(record, "cold_calls");
        h.reports += calls;
        h.cold_calls += colds;
        if let Some(max) = number(record, "init_max") {
            h.init_max_ms = Some(h.init_max_ms.map_or(max, |m: f64| m.max(max)));
        }
        if value(record, "failed").is_some() {
            continue;
        }
        h.successes += calls;
        h.cold_successes += if count_init { colds } else { 0 };
        h.wait_p50_ms = number(record, "wait_p50");
        h.wait_p95_ms = number(record, "wait_p95");
        h.wait_p99_ms = number(record, "wait_p99");
        h.wait_max_ms = number(record, "wait_max");
        h.handler_p95_ms = number(record, "handler_p95");
        h.init_p50_ms = number(record, "init_p50");
    }
    if h.init_p50_ms.is_none() {
        h.init_p50_ms = h.init_max_ms;
    }
    h
}

/// The records of `queries::block_counts_query`.
pub(crate) fn block_counts_of(group: &str, records: &[Record]) -> BlockCounts {
    let text = |r: &Record, name: &str| value(r, name).map(str::to_string);
    let time = |r: &Record, name: &str| value(r, name).and_then(parse_insights_time);
    BlockCounts {
        group: group.to_string(),
        rows: records
            .iter()
            .map(|r| BlockCount {
                flow: text(r, "flow"),
                block: text(r, "block"),
                function_arn: text(r, "function"),
                time_limit: text(r, "time_limit"),
                results: text(r, "results"),
                executions: count(r, "executions"),
                first: time(r, "first"),
                last: time(r, "last"),
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------
// The traits
// ---------------------------------------------------------------------------

impl DefinitionSource for LiveCheck {
    fn flows(&mut self) -> Result<Vec<RawFlow>, SourceError> {
        let Some(id) = self.instance.as_ref().map(|i| i.id.clone()) else {
            return Ok(Vec::new());
        };
        let client = self.clients.connect.clone();
        let cfg = self.settings.runner.clone();
        let (listed, notes, listing) = self.block(list_flows(&client, &id, &cfg))?;
        for note in notes {
            self.note(note);
        }
        listing?;
        let (flows, notes) = self.block(describe_flows(&client, &id, &listed, &cfg))??;
        for note in notes {
            self.note(note);
        }
        let label = match self.instance.as_ref().and_then(|i| i.alias.clone()) {
            Some(alias) => format!("Amazon Connect instance {alias} ({id})"),
            None => format!("Amazon Connect instance {id}"),
        };
        self.summary(
            label,
            "Amazon Connect API (DescribeContactFlow)",
            flows.len() as u64,
        );
        Ok(flows)
    }

    fn functions(&mut self, wanted: &[FunctionRef]) -> Result<FunctionCatalog, SourceError> {
        let mut qualifiers: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for call in wanted {
            let entry = qualifiers.entry(call.name.as_str()).or_default();
            if let Some(q) = call.qualifier.as_ref().filter(|q| *q != "$LATEST") {
                entry.insert(q.clone());
            }
        }
        let mut catalog = FunctionCatalog::default();
        let client = self.clients.lambda.clone();
        let cfg = self.settings.runner.clone();
        for (name, qualifiers) in qualifiers {
            let qualifiers: Vec<String> = qualifiers.into_iter().collect();
            let read = self.block(read_function(&client, name, &qualifiers, &cfg))??;
            for note in read.notes {
                self.note(note);
            }
            let group = read
                .log_group
                .clone()
                .unwrap_or_else(|| default_lambda_group(name));
            self.log_groups.insert(name.to_string(), group);
            for config in read.configs {
                catalog.add(config);
            }
            catalog.missing.extend(read.missing);
            catalog.provisioned.extend(read.provisioned);
        }
        self.summary(
            "AWS Lambda (GetFunctionConfiguration)".into(),
            "AWS Lambda API",
            catalog.configs.len() as u64,
        );
        Ok(catalog)
    }

    fn inputs(&self) -> InputsSummary {
        let mut out = InputsSummary::default();
        for s in &self.inputs {
            out.events_read += s.events;
            out.files.push(s.clone());
        }
        out
    }

    fn describe(&self) -> String {
        let instance = match &self.instance {
            Some(i) => i.alias.clone().unwrap_or_else(|| i.id.clone()),
            None => self
                .settings
                .instance
                .clone()
                .unwrap_or_else(|| "(no instance)".into()),
        };
        format!(
            "Amazon Connect instance {instance} in {} ({} to {})",
            if self.region.is_empty() {
                "the default region"
            } else {
                &self.region
            },
            format_time(self.settings.start),
            format_time(self.settings.end)
        )
    }
}

impl PeriodAggregates for LiveCheck {
    fn instance(&mut self) -> Option<InstanceFacts> {
        self.instance.clone()
    }

    fn block_counts(&mut self) -> Result<Option<BlockCounts>, SourceError> {
        let Some(group) = self.connect_group.clone() else {
            return Ok(None);
        };
        let spec = self.spec(&group, queries::block_counts_query());
        let label = format!("stats query {}", spec.window());
        let records = self.run_stats(vec![spec])?;
        let records = records.into_iter().next().unwrap_or_default();
        self.summary(
            label,
            "CloudWatch Logs Insights stats query",
            records.len() as u64,
        );
        Ok(Some(block_counts_of(&group, &records)))
    }

    fn headroom(
        &mut self,
        wanted: &[HeadroomWanted],
    ) -> Result<Vec<FunctionHeadroom>, SourceError> {
        let groups: Vec<String> = wanted
            .iter()
            .map(|w| {
                self.log_groups
                    .get(&w.function)
                    .cloned()
                    .unwrap_or_else(|| default_lambda_group(&w.function))
            })
            .collect();
        let specs: Vec<QuerySpec> = wanted
            .iter()
            .zip(&groups)
            .map(|(w, group)| self.spec(group, queries::headroom_query(w.count_init)))
            .collect();
        let labels: Vec<String> = specs
            .iter()
            .map(|s| format!("stats query {}", s.window()))
            .collect();
        let records = self.run_stats(specs)?;
        let mut out = Vec::new();
        for (((w, group), label), records) in wanted.iter().zip(&groups).zip(labels).zip(&records) {
            self.summary(
                label,
                "CloudWatch Logs Insights stats query",
                records.len() as u64,
            );
            out.push(headroom_of(&w.function, group, w.count_init, records));
        }
        Ok(out)
    }

    fn metrics(
        &mut self,
        functions: &[String],
    ) -> Result<(Vec<FunctionMetrics>, Option<AccountConcurrency>), SourceError> {
        let age_s = (self.settings.now - self.settings.start) / 1000;
        let span_s = (self.settings.end - self.settings.start) / 1000;
        let period = metric_period_s(age_s, span_s);
        // Whole intervals: CloudWatch aligns them to the period.
        let p = Millis::from(period) * 1000;
        let window = (
            self.settings.start.div_euclid(p) * p,
            (self.settings.end + p - 1).div_euclid(p) * p,
        );
        let cloudwatch = self.clients.cloudwatch.clone();
        let lambda = self.clients.lambda.clone();
        let cfg = self.settings.runner.clone();
        let (metrics, peak, notes) =
            self.block(read_metrics(&cloudwatch, functions, window, period, &cfg))??;
        for note in notes {
            self.note(note);
        }
        let points: usize = metrics.len() * FUNCTION_METRICS.len() + 1;
        self.summary(
            format!(
                "CloudWatch GetMetricData, {} {}-second intervals",
                LAMBDA_METRICS_NAMESPACE, period
            ),
            "CloudWatch metrics",
            points as u64,
        );
        let (limit, unreserved, note) = self.block(read_account(&lambda, &cfg))??;
        if let Some(note) = note {
            self.note(note);
        }
        let account = AccountConcurrency {
            limit,
            unreserved,
            peak,
        };
        let known = limit.is_some() || peak.is_some();
        Ok((metrics, known.then_some(account)))
    }

    fn take_notes(&mut self) -> Vec<String> {
        let new = self.notes[self.notes_taken..].to_vec();
        self.notes_taken = self.notes.len();
        new
    }

    fn live_run(&self) -> LiveRun {
        LiveRun {
            queries: self.stats.done,
            window_splits: self.stats.splits,
            rows: self.stats.rows,
            bytes_scanned: self.stats.bytes_scanned,
            estimated_cost_usd: self.stats.cost_usd(),
            functions: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    //! What the emulator cannot give, with the SDK's mocks and answers
    //! shaped as AWS's: paging, archived and unpublished flows, denied
    //! calls, a qualifier Lambda does not know, metrics' points, and the
    //! records of the `stats` queries as Logs Insights writes them.

    use super::*;
    use aws_sdk_connect::operation::describe_contact_flow::{
        DescribeContactFlowError, DescribeContactFlowOutput,
    };
    use aws_sdk_connect::operation::list_contact_flow_modules::ListContactFlowModulesOutput;
    use aws_sdk_connect::operation::list_contact_flows::{
        ListContactFlowsError, ListContactFlowsOutput,
    };
    use aws_sdk_connect::types::error::ContactFlowNotPublishedException;
    use aws_sdk_connect::types::{ContactFlow, ContactFlowSummary, ContactFlowType};
    use aws_sdk_lambda::operation::get_function_concurrency::{
        GetFunctionConcurrencyError, GetFunctionConcurrencyOutput,
    };
    use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationError;
    use aws_sdk_lambda::operation::list_provisioned_concurrency_configs::ListProvisionedConcurrencyConfigsOutput;
    use aws_sdk_lambda::types::error::ResourceNotFoundException;
    use aws_sdk_lambda::types::{
        ProvisionedConcurrencyConfigListItem, ProvisionedConcurrencyStatusEnum, Runtime,
        SnapStartApplyOn, SnapStartResponse, State, VpcConfigResponse,
    };
    use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
    use aws_smithy_types::error::ErrorMetadata;

    const INSTANCE: &str = "3ff2093d-af96-43fd-b038-3c07cdd7609c";

    fn cfg() -> RunnerConfig {
        RunnerConfig {
            retry_first: std::time::Duration::from_millis(1),
            retry_max: std::time::Duration::from_millis(2),
            ..RunnerConfig::default()
        }
    }

    fn connect(rules: &[&Rule]) -> aws_sdk_connect::Client {
        mock_client!(aws_sdk_connect, RuleMode::MatchAny, rules, |c| {
            c.retry_config(aws_sdk_connect::config::retry::RetryConfig::disabled())
        })
    }

    fn lambda(rules: &[&Rule]) -> aws_sdk_lambda::Client {
        mock_client!(aws_sdk_lambda, RuleMode::MatchAny, rules, |c| c
            .retry_config(aws_sdk_lambda::config::retry::RetryConfig::disabled()))
    }

    fn denied() -> ErrorMetadata {
        ErrorMetadata::builder()
            .code("AccessDeniedException")
            .message("User: arn:aws:iam::111122223333:user/ci is not authorized")
            .build()
    }

    fn summary(id: &str, name: &str, state: ContactFlowState) -> ContactFlowSummary {
        ContactFlowSummary::builder()
            .id(id)
            .arn(format!(
                "arn:aws:connect:us-east-1:111122223333:instance/{INSTANCE}/contact-flow/{id}"
            ))
            .name(name)
            .contact_flow_type(ContactFlowType::ContactFlow)
            .contact_flow_state(state)
            .build()
    }

    fn flow(id: &str, name: &str) -> DescribeContactFlowOutput {
        DescribeContactFlowOutput::builder()
            .contact_flow(
                ContactFlow::builder()
                    .id(id)
                    .name(name)
                    .r#type(ContactFlowType::ContactFlow)
                    .state(ContactFlowState::Active)
                    .content(format!(r#"{{"Version":"2019-10-30","StartAction":"x","Actions":[],"Metadata":{{"name":"{name}"}}}}"#))
                    .build(),
            )
            .build()
    }

    #[tokio::test]
    async fn flows_are_listed_on_every_page_without_the_archived_and_the_unpublished() {
        let list = mock!(aws_sdk_connect::Client::list_contact_flows)
            .sequence()
            .output(|| {
                ListContactFlowsOutput::builder()
                    .contact_flow_summary_list(summary("f1", "Main IVR", ContactFlowState::Active))
                    .contact_flow_summary_list(summary("f2", "Old", ContactFlowState::Archived))
                    .next_token("page-2")
                    .build()
            })
            .output(|| {
                ListContactFlowsOutput::builder()
                    .contact_flow_summary_list(summary("f3", "Draft", ContactFlowState::Active))
                    .build()
            })
            .build();
        let modules = mock!(aws_sdk_connect::Client::list_contact_flow_modules)
            .then_output(|| ListContactFlowModulesOutput::builder().build());
        let main = mock!(aws_sdk_connect::Client::describe_contact_flow)
            .match_requests(|r| r.contact_flow_id() == Some("f1"))
            .then_output(|| flow("f1", "Main IVR"));
        let draft = mock!(aws_sdk_connect::Client::describe_contact_flow)
            .match_requests(|r| r.contact_flow_id() == Some("f3"))
            .then_error(|| {
                DescribeContactFlowError::ContactFlowNotPublishedException(
                    ContactFlowNotPublishedException::builder()
                        .message("The flow has not been published.")
                        .build(),
                )
            });
        let client = connect(&[&list, &modules, &main, &draft]);
        let (listed, notes, listing) = list_flows(&client, INSTANCE, &cfg()).await;
        listing.expect("listed");
        assert!(notes.is_empty(), "{notes:?}");
        let ids: Vec<&str> = listed.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(
            ids,
            ["f1", "f3"],
            "both pages read, the archived flow left out"
        );
        let (flows, notes) = describe_flows(&client, INSTANCE, &listed, &cfg())
            .await
            .expect("described");
        assert_eq!(flows.len(), 1);
        assert_eq!(flows[0].name.as_deref(), Some("Main IVR"));
        assert_eq!(flows[0].origin, "connect:DescribeContactFlow Main IVR");
        assert!(flows[0].content.contains("2019-10-30"));
        assert_eq!(
            notes,
            ["flow Draft has never been published: not checked (it runs for nobody)"]
        );
    }

    #[tokio::test]
    async fn a_denied_listing_is_a_note_naming_the_action() {
        let list = mock!(aws_sdk_connect::Client::list_contact_flows)
            .then_error(|| ListContactFlowsError::generic(denied()));
        let client = connect(&[&list]);
        let (listed, notes, listing) = list_flows(&client, INSTANCE, &cfg()).await;
        listing.expect("not an error");
        assert!(listed.is_empty());
        let [note] = notes.as_slice() else {
            panic!("one note: {notes:?}")
        };
        assert!(
            note.starts_with(&format!(
                "access denied: connect:ListContactFlows on {INSTANCE}"
            )) && note.ends_with("the instance's flows not read"),
            "{note}"
        );
    }

    fn configuration() -> GetFunctionConfigurationOutput {
        GetFunctionConfigurationOutput::builder()
            .function_name("payments")
            .function_arn("arn:aws:lambda:us-east-1:111122223333:function:payments")
            .runtime(Runtime::Java21)
            .timeout(3)
            .memory_size(1024)
            .vpc_config(
                VpcConfigResponse::builder()
                    .subnet_ids("subnet-0a1b")
                    .vpc_id("vpc-1")
                    .build(),
            )
            .snap_start(
                SnapStartResponse::builder()
                    .apply_on(SnapStartApplyOn::PublishedVersions)
                    .build(),
            )
            .state(State::Active)
            .build()
    }

    #[tokio::test]
    async fn a_function_is_read_with_its_qualifiers_concurrency_and_provisioned_aliases() {
        let latest = mock!(aws_sdk_lambda::Client::get_function_configuration)
            .match_requests(|r| r.qualifier().is_none())
            .then_output(configuration);
        let missing_alias = mock!(aws_sdk_lambda::Client::get_function_configuration)
            .match_requests(|r| r.qualifier() == Some("blue"))
            .then_error(|| {
                let message =
                    "Function not found: arn:aws:lambda:us-east-1:111122223333:function:payments:blue";
                GetFunctionConfigurationError::ResourceNotFoundException(
                    ResourceNotFoundException::builder()
                        .message(message)
                        .meta(
                            ErrorMetadata::builder()
                                .code("ResourceNotFoundException")
                                .message(message)
                                .build(),
                        )
                        .build(),
                )
            });
        let live = mock!(aws_sdk_lambda::Client::get_function_configuration)
            .match_requests(|r| r.qualifier() == Some("live"))
            .then_output(configuration);
        let concurrency =
            mock!(aws_sdk_lambda::Client::get_function_concurrency).then_output(|| {
                GetFunctionConcurrencyOutput::builder()
                    .reserved_concurrent_executions(0)
                    .build()
            });
        let pc =
            mock!(aws_sdk_lambda::Client::list_provisioned_concurrency_configs).then_output(|| {
                ListProvisionedConcurrencyConfigsOutput::builder()
                    .provisioned_concurrency_configs(
                        ProvisionedConcurrencyConfigListItem::builder()
                            .function_arn(
                                "arn:aws:lambda:us-east-1:111122223333:function:payments:live",
                            )
                            .status(ProvisionedConcurrencyStatusEnum::Ready)
                            .build(),
                    )
                    .provisioned_concurrency_configs(
                        ProvisionedConcurrencyConfigListItem::builder()
                            .function_arn(
                                "arn:aws:lambda:us-east-1:111122223333:function:payments:old",
                            )
                            .status(ProvisionedConcurrencyStatusEnum::Failed)
                            .build(),
                    )
                    .build()
            });
        let client = lambda(&[&latest, &missing_alias, &live, &concurrency, &pc]);
        let read = read_function(&client, "payments", &["blue".into(), "live".into()], &cfg())
            .await
            .expect("read");
        let keys: Vec<(Option<&str>, bool, bool, Option<u32>)> = read
            .configs
            .iter()
            .map(|c| {
                (
                    c.qualifier.as_deref(),
                    c.vpc_attached,
                    c.snap_start,
                    c.reserved_concurrency,
                )
            })
            .collect();
        assert_eq!(
            keys,
            [
                (None, true, true, Some(0)),
                (Some("live"), true, true, Some(0))
            ]
        );
        assert_eq!(read.configs[0].runtime.as_deref(), Some("java21"));
        assert_eq!(read.configs[0].timeout_ms(), 3000);
        assert_eq!(read.missing.len(), 1);
        assert_eq!(
            read.missing[0].0,
            FunctionRef::new("payments", Some("blue".into()))
        );
        assert!(
            read.missing[0].1.contains("Function not found"),
            "{:?}",
            read.missing
        );
        assert_eq!(
            read.provisioned,
            [FunctionRef::new("payments", Some("live".into()))],
            "a FAILED configuration provisions nothing"
        );
        assert!(read.notes.is_empty(), "{:?}", read.notes);
    }

    #[tokio::test]
    async fn denied_lambda_calls_are_notes_and_a_missing_function_stops_there() {
        let missing = mock!(aws_sdk_lambda::Client::get_function_configuration).then_error(|| {
            GetFunctionConfigurationError::ResourceNotFoundException(
                ResourceNotFoundException::builder().build(),
            )
        });
        let client = lambda(&[&missing]);
        let read = read_function(&client, "ghost", &["live".into()], &cfg())
            .await
            .expect("read");
        assert_eq!(read.missing.len(), 1, "the qualifiers are not asked for");
        assert_eq!(read.missing[0].0, FunctionRef::new("ghost", None));
        assert_eq!(missing.num_calls(), 1);

        let latest =
            mock!(aws_sdk_lambda::Client::get_function_configuration).then_output(configuration);
        let concurrency = mock!(aws_sdk_lambda::Client::get_function_concurrency)
            .then_error(|| GetFunctionConcurrencyError::generic(denied()));
        // What moto answers: no route, an HTML 404.
        let pc = mock!(aws_sdk_lambda::Client::list_provisioned_concurrency_configs)
            .sequence()
            .http_status(
                404,
                Some("<!doctype html><title>404 Not Found</title>".into()),
            )
            .build();
        let client = lambda(&[&latest, &concurrency, &pc]);
        let read = read_function(&client, "payments", &[], &cfg())
            .await
            .expect("notes, not an error");
        assert_eq!(read.configs.len(), 1);
        assert_eq!(read.configs[0].reserved_concurrency, None);
        let notes = read.notes.join("\n");
        assert!(
            notes.contains("access denied: lambda:GetFunctionConcurrency on payments")
                && notes.contains("payments's reserved concurrency not checked"),
            "{notes}"
        );
        assert!(
            notes.contains("lambda:ListProvisionedConcurrencyConfigs on payments failed: HTTP 404"),
            "{notes}"
        );
    }

    #[tokio::test]
    async fn metrics_are_summed_and_maximised_per_function_with_the_throttled_intervals() {
        use aws_sdk_cloudwatch::operation::get_metric_data::{
            GetMetricDataError, GetMetricDataOutput,
        };
        use aws_sdk_cloudwatch::types::MetricDataResult;
        fn t(ms: i64) -> aws_smithy_types::DateTime {
            aws_smithy_types::DateTime::from_millis(ms)
        }
        let result = |id: &str, points: &[(i64, f64)]| {
            MetricDataResult::builder()
                .id(id)
                .set_timestamps(Some(points.iter().map(|(ms, _)| t(*ms)).collect()))
                .set_values(Some(points.iter().map(|(_, v)| *v).collect()))
                .build()
        };
        let answers = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
            .sequence()
            .output(move || {
                GetMetricDataOutput::builder()
                    .metric_data_results(result("f0m0", &[(600_000, 0.0), (300_000, 3.0)]))
                    .metric_data_results(result("f0m3", &[(300_000, 7.0), (600_000, 9.0)]))
                    .next_token("more")
                    .build()
            })
            .output(move || {
                GetMetricDataOutput::builder()
                    .metric_data_results(result("f0m0", &[(900_000, 2.0)]))
                    .metric_data_results(result("f0m2", &[(300_000, 40.0), (900_000, 50.0)]))
                    .metric_data_results(result("account", &[(300_000, 700.0)]))
                    .build()
            })
            .build();
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&answers], |c| c
            .retry_config(aws_sdk_cloudwatch::config::retry::RetryConfig::disabled()));
        let (metrics, peak, notes) = read_metrics(
            &client,
            &["crm-lookup".to_string()],
            (0, 1_200_000),
            300,
            &cfg(),
        )
        .await
        .expect("metrics");
        assert!(notes.is_empty());
        assert_eq!(peak, Some(700.0));
        let m = &metrics[0];
        assert_eq!(
            (m.throttles, m.errors, m.invocations, m.max_concurrency),
            (Some(5.0), None, Some(90.0), Some(9.0))
        );
        assert_eq!(
            (m.first_throttle, m.last_throttle),
            (Some(300_000), Some(900_000))
        );

        let refused = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
            .then_error(|| GetMetricDataError::generic(denied()));
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&refused], |c| c
            .retry_config(aws_sdk_cloudwatch::config::retry::RetryConfig::disabled()));
        let (metrics, peak, notes) =
            read_metrics(&client, &["crm-lookup".to_string()], (0, 1), 60, &cfg())
                .await
                .expect("a note, not an error");
        assert!(metrics.is_empty() && peak.is_none());
        assert!(
            notes[0].starts_with("access denied: cloudwatch:GetMetricData on AWS/Lambda"),
            "{notes:?}"
        );
    }

    fn record(pairs: &[(&str, &str)]) -> Record {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// As Logs Insights answers `queries::headroom_query`: numbers as text,
    /// a row per outcome, the failures' row naming what failed.
    #[test]
    fn headroom_reads_the_success_row_and_counts_every_cold_call() {
        let records = [
            record(&[
                ("calls", "120"),
                ("wait_p50", "812.4"),
                ("wait_p95", "2790.11"),
                ("wait_p99", "2990"),
                ("wait_max", "3010.5"),
                ("handler_p95", "1200"),
                ("cold_calls", "3"),
                ("init_p50", "1650.2"),
                ("init_max", "2310"),
            ]),
            record(&[
                ("failed", "Status: timeout"),
                ("calls", "2"),
                ("wait_p50", "3000.9"),
                ("cold_calls", "1"),
                ("init_max", "2500"),
            ]),
        ];
        let h = headroom_of("crm-lookup", "/aws/lambda/crm-lookup", true, &records);
        assert_eq!((h.reports, h.successes), (122, 120));
        assert_eq!((h.cold_calls, h.cold_successes), (4, 3));
        assert_eq!(
            (h.wait_p95_ms, h.wait_max_ms, h.handler_p95_ms),
            (Some(2790.11), Some(3010.5), Some(1200.0))
        );
        assert_eq!((h.init_p50_ms, h.init_max_ms), (Some(1650.2), Some(2500.0)));
        // Provisioned concurrency on what the blocks call: no cold call.
        let h = headroom_of("crm-lookup", "/aws/lambda/crm-lookup", false, &records);
        assert_eq!(h.cold_successes, 0);
        assert!(!h.init_counted);
    }

    /// As Logs Insights answers `queries::block_counts_query` (its
    /// timestamps as it writes them).
    #[test]
    fn block_counts_keep_the_raw_values_and_read_the_times() {
        let records = [record(&[
            ("flow", "Main IVR"),
            ("block", "Route"),
            ("function", "arn:aws:lambda:us-east-1:111122223333:function:queue-router:live"),
            ("time_limit", "5000"),
            ("results", "Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException"),
            ("executions", "2"),
            ("first", "2026-11-28 10:00:20.000"),
            ("last", "2026-11-28 10:02:20.000"),
        ])];
        let counts = block_counts_of("/aws/connect/acme", &records);
        let row = &counts.rows[0];
        assert_eq!(row.executions, 2);
        assert_eq!(row.time_limit.as_deref(), Some("5000"));
        assert_eq!(row.first, Some(1_795_860_020_000));
        assert_eq!(row.last, Some(1_795_860_140_000));
    }
}
