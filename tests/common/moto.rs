//! A moto server (the AWS wire protocol on 127.0.0.1) per test, seeded
//! through boto3 from the same virtualenv; killed on drop.
//!
//! The server runs with six changes to moto 5.2.5 (`SERVER`):
//! - a fix to its wire format: it writes a Connect instance's `CreatedTime`
//!   as an ISO-8601 string, where AWS (restJson1) sends epoch seconds, and
//!   the Rust SDK refuses the string, so ListInstances and DescribeInstance
//!   would fail on any instance;
//! - DescribeInstanceAttribute, which moto lacks (see `CONNECT_FLOW_LOGS`);
//! - Logs Insights queries evaluated by tests/support/insights_eval.py:
//!   moto alone ignores `filter`, `parse` and `stats` and answers every
//!   event of the window; with it, the queries' filters and aggregations are
//!   what the live tests prove, and a query outside the subset the tool
//!   emits fails StartQuery with MalformedQueryException (HTTP 400). Rows of
//!   a query without filter/parse/stats are exactly moto's own;
//! - contact flows and flow modules, which moto lacks: CreateContactFlow
//!   (the seed's `contact_flows`), ListContactFlows in pages of two and
//!   DescribeContactFlow (`ContactFlowNotPublishedException` for a flow
//!   never published), and the same for modules, shaped as AWS answers;
//! - CloudWatch's GetMetricData over Smithy RPC v2 CBOR, the protocol the
//!   Rust SDK speaks (moto routes only boto3's JSON and query protocols):
//!   decoded and encoded with botocore's own CBOR code, answered by moto's
//!   backend (so PutMetricData's points are what comes back);
//! - a function's `LastModified` set before the logs it is tested on
//!   (`LAMBDA_LAST_MODIFIED`), as a real function's configuration usually is.
//!
//! Nothing else of moto changes.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    child: Child,
    pub url: String,
    server: PathBuf,
}

/// The emulator: `$MOTO_SERVER` (set by `scripts/test.sh`, and by CI), else
/// the `.venv/bin/moto_server` that `scripts/test.sh` installs, so a plain
/// `cargo test` works once it has run. Missing, the live tests fail (never
/// skip) with one line saying what to run.
fn moto_server() -> PathBuf {
    let path = match std::env::var_os("MOTO_SERVER") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server"),
    };
    assert!(
        path.is_file(),
        "the AWS emulator is not installed ({} is missing): run scripts/test.sh once",
        path.display()
    );
    path
}

/// The virtualenv's python, next to `moto_server` (it has moto and boto3).
pub fn python() -> PathBuf {
    moto_server().with_file_name("python")
}

/// tests/support: the seed script and the Logs Insights evaluator.
pub fn support_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support")
}

/// moto's server with Connect's `CreatedTime` in epoch seconds,
/// DescribeInstanceAttribute, Logs Insights queries evaluated by
/// tests/support/insights_eval.py (found through `INSIGHTS_EVAL_DIR`),
/// functions' `LastModified` before the logs (`LAMBDA_LAST_MODIFIED`),
/// contact flows and flow modules (create, list in pages of two, describe:
/// moto has none), and GetMetricData over CBOR.
const SERVER: &str = r#"
import os
import sys

# Logs Insights: moto 5.2.5 ignores filter, parse and stats (every event of
# the window comes back). LogQuery calls moto.logs.models.execute_query when
# StartQuery runs; the evaluator has its signature and result shape, and
# raises MalformedQueryException (HTTP 400) for a query outside the subset.
sys.dont_write_bytecode = True
sys.path.insert(0, os.environ["INSIGHTS_EVAL_DIR"])
import insights_eval
import moto.logs.models as logs_models
logs_models.execute_query = insights_eval.execute_query

from moto.connect.models import Instance

def epoch_created_time(to_dict):
    def patched(self):
        out = to_dict(self)
        out["CreatedTime"] = self.created_time.timestamp()
        return out
    return patched

Instance.to_dict = epoch_created_time(Instance.to_dict)
Instance.to_summary_dict = epoch_created_time(Instance.to_summary_dict)

# moto has no DescribeInstanceAttribute; with CONNECT_FLOW_LOGS set
# ("alias=false,other=true"), CONTACTFLOW_LOGS is answered from it
# (absent aliases: "true"), shaped as AWS answers it.
import json, os
flow_logs = dict(
    pair.split("=", 1)
    for pair in os.environ.get("CONNECT_FLOW_LOGS", "").split(",")
    if "=" in pair
)
if flow_logs:
    from moto.connect import urls as connect_urls
    from moto.connect.responses import ConnectResponse

    def describe_instance_attribute(self):
        instance = self.connect_backend._get_instance_or_raise(self._get_instance_id())
        value = flow_logs.get(instance.instance_alias, "true")
        kind = self._get_param("AttributeType") or self.path.rstrip("/").split("/")[-1]
        return json.dumps({"Attribute": {"AttributeType": kind, "Value": value}})

    ConnectResponse.describe_instance_attribute = describe_instance_attribute
    connect_urls.url_paths[
        "{0}/instance/(?P<InstanceId>[^/]+)/attribute/(?P<AttributeType>[^/]+)$"
    ] = ConnectResponse.dispatch

# moto has no contact flows: CreateContactFlow, ListContactFlows and
# DescribeContactFlow (and the same for flow modules), shaped as AWS answers
# them, kept per instance; listings come in pages of two, so paging is used.
import hashlib, uuid
from urllib.parse import unquote
from moto.connect import urls as flow_urls
from moto.connect.responses import ConnectResponse as FlowResponse

contact_flows = {}

def _flow_path(self):
    parts = [unquote(p) for p in self.path.split("?")[0].strip("/").split("/")]
    instance = self.connect_backend._get_instance_or_raise(parts[1])
    return instance, parts[2] if len(parts) > 2 else None

def _create(module):
    def create(self):
        instance, _ = _flow_path(self)
        body = json.loads(self.body)
        flow_id = str(uuid.uuid4())
        kind = "flow-module" if module else "contact-flow"
        arn = f"{instance.arn}/{kind}/{flow_id}"
        contact_flows.setdefault((instance.id, module), []).append({
            "Id": flow_id, "Arn": arn, "Name": body["Name"],
            "Type": body.get("Type", "CONTACT_FLOW"), "Content": body["Content"],
            "State": body.get("State", "ACTIVE"), "Status": body.get("Status", "PUBLISHED"),
            "Description": body.get("Description", ""),
        })
        if module:
            return json.dumps({"Id": flow_id, "Arn": arn})
        sha = hashlib.sha256(body["Content"].encode()).hexdigest()
        return json.dumps({"ContactFlowId": flow_id, "ContactFlowArn": arn, "FlowContentSha256": sha})
    return create

def _list(module):
    def list_flows(self):
        instance, _ = _flow_path(self)
        flows = contact_flows.get((instance.id, module), [])
        start = int(self.querystring.get("nextToken", ["0"])[0])
        page = flows[start:start + 2]
        if module:
            items = [{"Id": f["Id"], "Arn": f["Arn"], "Name": f["Name"], "State": f["State"]} for f in page]
            out = {"ContactFlowModulesSummaryList": items}
        else:
            items = [{"Id": f["Id"], "Arn": f["Arn"], "Name": f["Name"], "ContactFlowType": f["Type"],
                      "ContactFlowState": f["State"], "ContactFlowStatus": f["Status"]} for f in page]
            out = {"ContactFlowSummaryList": items}
        if start + 2 < len(flows):
            out["NextToken"] = str(start + 2)
        return json.dumps(out)
    return list_flows

def _describe(module):
    def describe(self):
        instance, flow_id = _flow_path(self)
        for f in contact_flows.get((instance.id, module), []):
            if f["Id"] == flow_id:
                if module:
                    return json.dumps({"ContactFlowModule": {k: f[k] for k in
                        ("Id", "Arn", "Name", "Content", "State", "Status", "Description")}})
                if f["Status"] != "PUBLISHED":
                    return 400, {}, json.dumps({"__type": "ContactFlowNotPublishedException",
                                                "Message": "The flow has not been published."})
                return json.dumps({"ContactFlow": dict(f, Tags={})})
        return 404, {}, json.dumps({"__type": "ResourceNotFoundException", "Message": "not found"})
    return describe

FlowResponse.create_contact_flow = _create(False)
FlowResponse.list_contact_flows = _list(False)
FlowResponse.describe_contact_flow = _describe(False)
FlowResponse.create_contact_flow_module = _create(True)
FlowResponse.list_contact_flow_modules = _list(True)
FlowResponse.describe_contact_flow_module = _describe(True)
flow_urls.url_paths.update({
    "{0}/contact-flows/(?P<InstanceId>[^/]+)$": FlowResponse.dispatch,
    "{0}/contact-flows/(?P<InstanceId>[^/]+)/(?P<ContactFlowId>[^/]+)$": FlowResponse.dispatch,
    "{0}/contact-flows-summary/(?P<InstanceId>[^/]+)$": FlowResponse.dispatch,
    "{0}/contact-flow-modules/(?P<InstanceId>[^/]+)$": FlowResponse.dispatch,
    "{0}/contact-flow-modules/(?P<InstanceId>[^/]+)/(?P<ContactFlowModuleId>[^/]+)$": FlowResponse.dispatch,
    "{0}/contact-flow-modules-summary/(?P<InstanceId>[^/]+)$": FlowResponse.dispatch,
})

# CloudWatch over Smithy RPC v2 CBOR, which the Rust SDK speaks (boto3
# speaks JSON, and moto routes only "/"): GetMetricData's CBOR request is
# decoded with botocore's own CBOR reader, answered by moto's backend, and
# encoded back with botocore's CBOR writer for the operation's output shape.
import datetime
import botocore.session
from botocore.parsers import RpcV2CBORParser
from botocore.serialize import RpcV2CBORSerializer
from moto.cloudwatch import urls as cloudwatch_urls
from moto.cloudwatch.models import cloudwatch_backends
from moto.core import DEFAULT_ACCOUNT_ID

cloudwatch_model = botocore.session.get_session().get_service_model("cloudwatch")
CBOR_HEADERS = {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}

def cloudwatch_cbor(request, full_url, headers):
    operation = full_url.split("?")[0].rstrip("/").split("/")[-1]
    reader = RpcV2CBORParser()
    data = request.data
    params = reader.parse_data_item(reader.get_peekable_stream_from_bytes(data)) if data else {}
    if operation != "GetMetricData":
        return 400, dict(CBOR_HEADERS, **{"x-amzn-query-error": "NotImplemented;Sender"}), b""
    backend = cloudwatch_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    # moto keeps naive UTC times; botocore reads tag 1 as an aware one.
    naive = lambda t: t.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    results = backend.get_metric_data(
        queries=params.get("MetricDataQueries", []),
        start_time=naive(params["StartTime"]),
        end_time=naive(params["EndTime"]),
        scan_by=params.get("ScanBy") or "TimestampAscending",
    )
    out = {"MetricDataResults": [
        {"Id": r["id"], "Label": r["label"],
         "Timestamps": [t.replace(tzinfo=datetime.timezone.utc) for t in r["timestamps"]],
         "Values": [float(v) for v in r["values"]], "StatusCode": r["status_code"]}
        for r in results
    ], "Messages": []}
    body = bytearray()
    shape = cloudwatch_model.operation_model(operation).output_shape
    RpcV2CBORSerializer()._serialize_data_item(body, out, shape)
    return 200, CBOR_HEADERS, bytes(body)

cloudwatch_urls.url_paths[
    "{0}/service/GraniteServiceVersion20100801/operation/(?P<Operation>[^/]+)$"
] = cloudwatch_cbor

# moto stamps a function's LastModified when the seed creates it, after the
# events the tests analyse, where a real function's configuration usually
# predates its logs: LAMBDA_LAST_MODIFIED (default: the start of 2026, in
# the Lambda API's shape) stands in for it.
from moto.awslambda.models import LambdaFunction

_create_function = LambdaFunction.__init__

def backdated(self, *args, **kwargs):
    _create_function(self, *args, **kwargs)
    self.last_modified = os.environ.get("LAMBDA_LAST_MODIFIED", "2026-01-01T00:00:00.000+0000")

LambdaFunction.__init__ = backdated

from moto.server import main
main(sys.argv[1:])
"#;

/// How many calls the seed's `"user"` spends without credentials (see
/// tests/support/moto_seed.py): moto enforces IAM after them.
const SEEDING_ADMIN_CALLS: &str = "3";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn status_of(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").ok()?;
    let mut buf = [0u8; 64];
    let n = s.read(&mut buf).ok()?;
    String::from_utf8_lossy(&buf[..n])
        .lines()
        .next()
        .map(str::to_string)
}

impl Moto {
    pub fn start() -> Moto {
        Moto::start_with(&[])
    }

    /// With extra environment for the server (e.g. IAM enforcement).
    pub fn start_with(env: &[(&str, &str)]) -> Moto {
        let server = moto_server();
        let port = free_port();
        let child = Command::new(server.with_file_name("python"))
            .args(["-c", SERVER, "-H", "127.0.0.1", "-p", &port.to_string()])
            .env("INSIGHTS_EVAL_DIR", support_dir())
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let moto = Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
            server,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !status_of(port, "/moto-api/").is_some_and(|l| l.contains(" 200")) {
            assert!(
                Instant::now() < deadline,
                "moto_server did not start on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    /// A server that enforces IAM once the seed has made its admin: seed
    /// it with a `"user"` (tests/support/moto_seed.py), whose keys the
    /// seed returns.
    pub fn start_enforcing_iam() -> Moto {
        Moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", SEEDING_ADMIN_CALLS)])
    }

    /// Seed log groups, functions, Connect instances and a user (see
    /// tests/support/moto_seed.py); what was created: the instances' ids
    /// and ARNs by alias, the user's keys.
    pub fn seed(&self, spec: &serde_json::Value) -> serde_json::Value {
        let python = self.server.with_file_name("python");
        let script = support_dir().join("moto_seed.py");
        let mut child = Command::new(python)
            .arg(script)
            .arg(&self.url)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run moto_seed.py");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(spec.to_string().as_bytes())
            .expect("write the seed spec");
        let out = child.wait_with_output().expect("moto_seed.py");
        assert!(
            out.status.success(),
            "seeding failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("moto_seed.py prints what it created as JSON")
    }

    /// The binary with fake credentials (add `--endpoint-url` after the
    /// subcommand's arguments).
    pub fn bin(&self) -> assert_cmd::Command {
        let mut cmd = super::bin();
        cmd.env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("HOME", std::env::temp_dir());
        cmd
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
