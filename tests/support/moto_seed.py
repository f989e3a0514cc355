"""Seed a moto server for the live tests (boto3 comes with moto in .venv).

Usage: moto_seed.py ENDPOINT < spec.json, where spec is
{"groups": {"/aws/connect/acme": [{"stream": s, "timestamp": ms, "message": m}, ...]},
 "functions": [{"name": "crm-lookup", "timeout": 3, "memory": 512}]}
"""
import io
import json
import sys
import zipfile

import boto3

endpoint = sys.argv[1]
spec = json.load(sys.stdin)
session = boto3.session.Session(
    aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
)
logs = session.client("logs", endpoint_url=endpoint)
for group, events in spec.get("groups", {}).items():
    logs.create_log_group(logGroupName=group)
    by_stream = {}
    for e in events:
        by_stream.setdefault(e["stream"], []).append(e)
    for stream, evs in by_stream.items():
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
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
print("seeded")
