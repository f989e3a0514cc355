//! A moto server (the AWS wire protocol on 127.0.0.1) per test, seeded
//! through boto3 from the same virtualenv; killed on drop.
//!
//! The server runs with three changes to moto 5.2.5 (`SERVER`):
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
//!   a query without filter/parse/stats are exactly moto's own.
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
/// tests/support/insights_eval.py (found through `INSIGHTS_EVAL_DIR`), and
/// functions' `LastModified` before the logs (`LAMBDA_LAST_MODIFIED`).
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
