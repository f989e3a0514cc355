"""Seed a moto server for the live tests (boto3 comes with moto in .venv).

Usage: moto_seed.py ENDPOINT < spec.json, where spec is
{"groups": {"/aws/connect/acme": [{"stream": s, "timestamp": ms, "message": m}, ...]},
 "functions": [{"name": "crm-lookup", "timeout": 3, "memory": 512, "reserved_concurrency": 5}],
 "connect_instances": ["acme", ...],  # default: an instance per /aws/connect/<alias> group
 "contact_flows": [{"instance": "acme", "name": "Main IVR", "content": {...flow language...},
                    "status": "PUBLISHED", "module": false}],
 "metrics": [{"name": "Throttles", "function": "crm-lookup", "timestamp": ms, "value": 3}],
 "traces": [{"trace_id": "1-...", "id": "...", "origin": "AWS::Lambda::Function", ...}, ...],
 "user": {"name": "oncall", "allow": ["logs:*", "lambda:*"]},
 "append": true}
(every key optional). With "append", events go into groups and streams that may exist already
(a second seed while the tool runs: `watch`), and no Connect instance is created. Prints what it created as JSON:
{"connect_instances": {"acme": {"id": ..., "arn": ...}}, "user": {"access_key_id": ..., "secret_access_key": ...}}

"contact_flows" are created with CreateContactFlow (CreateContactFlowModule for a module) in the
named instance (the patched server of tests/common/moto.rs keeps them; moto has none); "content"
may be the flow language as an object or as text. "metrics" go to PutMetricData in AWS/Lambda,
with the dimension FunctionName when "function" is given (none: an account-level metric), in
"Count" unless "unit" says otherwise.

"traces" are X-Ray segment documents, uploaded with PutTraceSegments as given. moto returns
each document as it was uploaded (an in_progress subsegment included), but a trace whose
latest-starting segment has no end_time comes back without its Id: end the segments that start last.

With "user", the server enforces IAM (moto_server with INITIAL_NO_AUTH_ACTION_COUNT=3):
the first three calls, made without credentials, create an admin that seeds the rest; then the
user is created with an IAM policy allowing "allow" on every resource.
"""
import io
import json
import sys
import zipfile

import boto3

endpoint = sys.argv[1]
spec = json.load(sys.stdin)
created = {}


def allow(actions):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
        }
    )


def session_of(key_id, secret):
    return boto3.session.Session(
        aws_access_key_id=key_id, aws_secret_access_key=secret, region_name="us-east-1"
    )


session = session_of("test", "test")
if spec.get("user"):
    # Exactly three calls before moto starts enforcing IAM.
    iam = session.client("iam", endpoint_url=endpoint)
    iam.create_user(UserName="seeder")
    iam.put_user_policy(UserName="seeder", PolicyName="all", PolicyDocument=allow("*"))
    key = iam.create_access_key(UserName="seeder")["AccessKey"]
    session = session_of(key["AccessKeyId"], key["SecretAccessKey"])
logs = session.client("logs", endpoint_url=endpoint)
append = spec.get("append", False)


def create(call, **names):
    """Create a group or stream; with "append", one that exists is kept."""
    try:
        call(**names)
    except logs.exceptions.ResourceAlreadyExistsException:
        if not append:
            raise


for group, events in spec.get("groups", {}).items():
    create(logs.create_log_group, logGroupName=group)
    by_stream = {}
    for e in events:
        by_stream.setdefault(e["stream"], []).append(e)
    for stream, evs in by_stream.items():
        create(logs.create_log_stream, logGroupName=group, logStreamName=stream)
        evs = sorted(evs, key=lambda e: e["timestamp"])
        # PutLogEvents takes at most 10,000 events (and 1 MB) per call.
        for at in range(0, len(evs), 2000):
            out = logs.put_log_events(
                logGroupName=group,
                logStreamName=stream,
                logEvents=[
                    {"timestamp": e["timestamp"], "message": e["message"]}
                    for e in evs[at : at + 2000]
                ],
            )
            if out.get("rejectedLogEventsInfo"):
                sys.exit(f"rejected events in {group}/{stream}: {out['rejectedLogEventsInfo']}")

if spec.get("functions"):
    iam = session.client("iam", endpoint_url=endpoint)
    role = iam.create_role(
        RoleName="connect-timeouts-test",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )["Role"]["Arn"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.js", "exports.handler = async () => ({});\n")
    lam = session.client("lambda", endpoint_url=endpoint)
    for f in spec["functions"]:
        lam.create_function(
            FunctionName=f["name"],
            Runtime=f.get("runtime", "nodejs18.x"),
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": buf.getvalue()},
            Timeout=f["timeout"],
            MemorySize=f.get("memory", 128),
        )
        if "reserved_concurrency" in f:
            lam.put_function_concurrency(
                FunctionName=f["name"], ReservedConcurrentExecutions=f["reserved_concurrency"]
            )
xray = session.client("xray", endpoint_url=endpoint)
documents = [json.dumps(segment) for segment in spec.get("traces", [])]
for at in range(0, len(documents), 50):
    out = xray.put_trace_segments(TraceSegmentDocuments=documents[at : at + 50])
    if out.get("UnprocessedTraceSegments"):
        sys.exit(f"rejected segments: {out['UnprocessedTraceSegments']}")

# Connect writes /aws/connect/<alias> for an instance with that alias: unless
# the spec lists the instances, each such group comes with its instance.
aliases = spec.get("connect_instances")
if aliases is None and append:
    aliases = []
if aliases is None:
    prefix = "/aws/connect/"
    aliases = [g[len(prefix) :] for g in spec.get("groups", {}) if g.startswith(prefix)]
connect = session.client("connect", endpoint_url=endpoint)
instances = created.setdefault("connect_instances", {})
for alias in aliases:
    out = connect.create_instance(
        IdentityManagementType="CONNECT_MANAGED",
        InstanceAlias=alias,
        InboundCallsEnabled=True,
        OutboundCallsEnabled=False,
    )
    instances[alias] = {"id": out["Id"], "arn": out["Arn"]}

for flow in spec.get("contact_flows", []):
    instance_id = instances[flow["instance"]]["id"]
    content = flow["content"]
    if not isinstance(content, str):
        content = json.dumps(content)
    if flow.get("module"):
        connect.create_contact_flow_module(
            InstanceId=instance_id, Name=flow["name"], Content=content
        )
    else:
        connect.create_contact_flow(
            InstanceId=instance_id,
            Name=flow["name"],
            Type=flow.get("type", "CONTACT_FLOW"),
            Content=content,
            Status=flow.get("status", "PUBLISHED"),
        )

if spec.get("metrics"):
    import datetime

    cloudwatch = session.client("cloudwatch", endpoint_url=endpoint)
    data = []
    for m in spec["metrics"]:
        dims = [{"Name": "FunctionName", "Value": m["function"]}] if m.get("function") else []
        data.append(
            {
                "MetricName": m["name"],
                "Dimensions": dims,
                "Timestamp": datetime.datetime.fromtimestamp(
                    m["timestamp"] / 1000, datetime.timezone.utc
                ),
                "Value": m["value"],
                "Unit": m.get("unit", "Count"),
            }
        )
    for at in range(0, len(data), 500):
        cloudwatch.put_metric_data(Namespace="AWS/Lambda", MetricData=data[at : at + 500])

if spec.get("user"):
    user = spec["user"]
    iam = session.client("iam", endpoint_url=endpoint)
    iam.create_user(UserName=user["name"])
    iam.put_user_policy(
        UserName=user["name"], PolicyName="policy", PolicyDocument=allow(user["allow"])
    )
    key = iam.create_access_key(UserName=user["name"])["AccessKey"]
    created["user"] = {
        "access_key_id": key["AccessKeyId"],
        "secret_access_key": key["SecretAccessKey"],
    }
print(json.dumps(created))
