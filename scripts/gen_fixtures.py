#!/usr/bin/env python3
"""Generate the connect-timeouts test fixtures.

    python3 scripts/gen_fixtures.py

rewrites `fixtures/` from scratch, deterministically (every scenario has its
own seeded random.Random; running twice gives byte-identical files).

Each scenario folder holds exported CloudWatch Logs files; a file's log group
is its parent directory relative to the scenario folder
(`fixtures/demo/aws/connect/acme-prod/flow-logs.json` is in `/aws/connect/acme-prod`),
plus `expected.json`, the truth the end-to-end tests assert, derived from what
this script built.

Timing conventions (all times are epoch milliseconds, day 2026-11-28 UTC):

* A Connect entry's `Timestamp` T is the moment the block STARTED.
* The Lambda request arrives at T + 20..80 ms. For a cold environment that is
  the INIT_START time; START follows after the init; for a warm one it is START.
* The next entry of the contact comes at T + min(L, wait) + 10..40 ms, where
  wait = (end of the last invocation Connect waited for) - T.
* Connect retries a function error: a retry arrives 100..300 ms after the
  previous attempt ended, in the same stream (the crash forces a suppressed
  init, so no INIT_START). Function timeouts are not retried here.
* The link window for a failed block is arrivals in [T - L - 2 s, T + L + 2 s];
  `candidates` in expected.json counts every invocation of that function whose
  arrival falls there (retries included), `confidence` is `exact` when the
  primary invocation logged the contact's ContactId, else `window` for one
  candidate and `ambiguous` for several, `none` when nothing is linked.
"""
from __future__ import annotations

import base64
import json
import math
import random
import shutil
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
ACCOUNT = "111122223333"
REGION = "us-east-1"
DAY = datetime(2026, 11, 28, tzinfo=timezone.utc)

GENERIC_ERROR = "The Lambda Function Returned An Error."


def at(hh: int, mm: int, ss: int = 0, ms: int = 0) -> int:
    """Epoch ms of a time of day on 2026-11-28 (UTC)."""
    d = DAY + timedelta(hours=hh, minutes=mm, seconds=ss, milliseconds=ms)
    return int(d.timestamp() * 1000)


def iso(ms: int) -> str:
    d = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def insights_ts(ms: int) -> str:
    d = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return d.strftime("%Y-%m-%d %H:%M:%S.") + f"{ms % 1000:03d}"


def compact(obj) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


# ---------------------------------------------------------------------------
# Lambda side: functions, execution environments (= log streams), invocations
# ---------------------------------------------------------------------------

RUNTIMES = {
    "node": ("nodejs:20.v33", "ERROR"),
    "python": ("python:3.12.v40", "ERROR"),
}


class Function:
    """One Lambda function and its log group.

    log_format: "text" or "json"; era: "new" (REPORT `Status:` field) or
    "old" (`Task timed out` / `Runtime exited` lines); style for Python app
    lines: "log" (`[INFO]\\t...`) or "print" (bare lines).
    """

    def __init__(self, sc, name, runtime, *, log_format="text", era="new",
                 timeout_s=8, memory=256, alias=None, version="$LATEST",
                 logs_contact_id=False, style="log", target=""):
        self.sc, self.name, self.runtime = sc, name, runtime
        self.log_format, self.era, self.timeout_s = log_format, era, timeout_s
        self.memory, self.alias, self.version = memory, alias, version
        self.logs_contact_id, self.style = logs_contact_id, style
        self.target = target  # what the handler calls, for its log lines
        self.runtime_version = RUNTIMES[runtime][0]
        self.runtime_arn = f"arn:aws:lambda:{REGION}::runtime:{sc.hex(64)}"
        self.envs: list[Env] = []
        self.invocations: list[Invocation] = []
        self.events: list[tuple] = []  # (ts, seq, stream, message)

    @property
    def group(self):
        return f"/aws/lambda/{self.name}"

    @property
    def base_arn(self):
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.name}"

    @property
    def arn(self):
        return self.base_arn + (f":{self.alias}" if self.alias else "")

    def emit(self, ts, stream, message):
        self.events.append((ts, self.sc.next_seq(), stream, message))


class Env:
    """An execution environment: one log stream."""

    def __init__(self, fn: Function, created: int):
        self.fn = fn
        self.created = created
        self.stream = f"2026/11/28/[{fn.version}]{fn.sc.hex(32)}"
        self.busy: list[tuple[int, int]] = []

    def free(self, t0, t1):
        return t0 >= self.created and all(t1 <= a or t0 >= b for a, b in self.busy)


class Invocation:
    def __init__(self, fn, env, request_id, arrival, start, end, cold, texts):
        self.fn, self.env, self.request_id = fn, env, request_id
        self.arrival, self.start, self.end, self.cold = arrival, start, end, cold
        self.texts = texts  # custom output, to know which ContactIds it logged


def line(offset, text, level="INFO", kind="log"):
    """A custom output line `offset` ms after START (kind "print" = bare)."""
    return (offset, text, level, kind)


# ---------------------------------------------------------------------------
# Connect side
# ---------------------------------------------------------------------------

class Flow:
    def __init__(self, sc, name, labels=False):
        self.sc, self.name, self.labels = sc, name, labels
        self.arn = (f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{sc.instance_id}"
                    f"/contact-flow/{sc.uuid()}")
        self._ids = {}

    def block_id(self, name):
        """A block's Identifier: its label in labelled flows, else a UUID that
        stays the same for the block across contacts."""
        if self.labels:
            return name
        if name not in self._ids:
            self._ids[name] = self.sc.uuid()
        return self._ids[name]


class Contact:
    def __init__(self, sc, start, flow, stream):
        self.sc, self.flow, self.stream = sc, flow, stream
        self.id = sc.uuid()
        self.t = start
        self.phone = f"+1206555{sc.rng.randint(1000, 9999)}"
        self.entries: list[dict] = []

    # -- plain blocks ------------------------------------------------------
    def step(self, mtype, name, params, results=None, external=None, wait=(5, 20)):
        e = {}
        if results is not None:
            e["Results"] = results
        e["ContactId"] = self.id
        e["ContactFlowId"] = self.flow.arn
        e["ContactFlowName"] = self.flow.name
        e["ContactFlowModuleType"] = mtype
        e["Identifier"] = self.flow.block_id(name)
        e["Timestamp"] = iso(self.t)
        if external is not None:
            e["ExternalResults"] = external
        e["Parameters"] = params
        self.sc.connect_entry(self.t, self.stream, e)
        self.entries.append(e)
        if wait:
            self.t += self.sc.rng.randint(*wait)
        return e

    def intro(self):
        r = self.sc.rng
        self.step("SetLoggingBehavior", "Enable logging", {"LoggingBehavior": "Enable"})
        self.step("SetRecordingBehavior", "Record both",
                  {"RecordingBehaviorOption": "Enable", "RecordingParticipantOption": "Both"})
        self.step("SetAttributes", "Flow Tracking",
                  {"Value": self.flow.name, "Key": "ContactFlow"})
        self.step("CheckAttribute", "Check business hours",
                  {"Value": "open", "ComparisonMethod": "Equals"}, results="true")
        self.step("PlayPrompt", "Welcome prompt",
                  {"TextToSpeechType": "text", "Text": "Thank you for calling Acme.",
                   "Voice": "Joanna"}, wait=(1800, 3500))
        self.digit = str(r.randint(1, 3))
        self.step("GetUserInput", "Main menu",
                  {"Text": "For billing press 1, for orders press 2, for anything else press 3.",
                   "TextToSpeechType": "text", "Timeout": "5", "MaxDigits": "1"},
                  results=self.digit, wait=(3000, 7000))
        self.step("SetAttributes", "Store menu choice",
                  {"Value": self.digit, "Key": "menuChoice"})

    def after_lambda(self, key):
        self.step("SetAttributes", f"Store {key}", {"Value": f"$.External.{key}", "Key": key})
        self.step("CheckAttribute", f"Check {key}",
                  {"Value": f"$.External.{key}", "SecondValue": "", "ComparisonMethod": "Equals"},
                  results="false")

    def outro(self):
        self.step("SetAttributes", "Set priority", {"Value": "5", "Key": "priority"})
        self.step("SetQueue", "Route to queue",
                  {"Queue": f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/"
                            f"{self.sc.instance_id}/queue/{self.sc.queue_id}"})
        self.step("Transfer", "Transfer to queue", {}, wait=None)

    def error_branch(self, end="transfer"):
        self.step("PlayPrompt", "Sorry prompt",
                  {"TextToSpeechType": "text",
                   "Text": "Sorry, we are having trouble right now. Please hold for an agent.",
                   "Voice": "Joanna"}, wait=(2500, 4000))
        if end == "transfer":
            self.step("SetQueue", "Route to fallback queue",
                      {"Queue": f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/"
                                f"{self.sc.instance_id}/queue/{self.sc.queue_id}"})
            self.step("Transfer", "Transfer to fallback queue", {}, wait=None)
        else:
            self.step("Disconnect", "Disconnect", {}, wait=None)

    # -- the Lambda block --------------------------------------------------
    def lambda_block(self, fn_arn, limit, name, params, *, results=None, external=None,
                     attempts=(), wait_ms=None, arrive_delay=None):
        """Emit an InvokeExternalResource entry at self.t (= T) and the
        invocations Connect made for it.

        attempts: list of dicts of Scenario.invoke() keyword arguments; the
        first arrives at T + arrive_delay (20..80 ms), each next one 100..300
        ms after the previous ended (Connect's retries).
        wait_ms: how long Connect waited when no invocation tells it.
        Returns (T, [Invocation...]).
        """
        r = self.sc.rng
        T = self.t
        p = {"FunctionArn": fn_arn, "Parameters": params,
             "ResponseValidation": "ResponseType=STRING_MAP", "TimeLimit": str(limit)}
        self.step("InvokeExternalResource", name, p, results=results, external=external,
                  wait=None)
        invs = []
        arrival = T + (arrive_delay if arrive_delay is not None else r.randint(20, 80))
        for kw in attempts:
            kw = dict(kw)
            if kw.pop("retry", False):  # Connect's retry, same environment
                kw["env"] = invs[-1].env
            inv = self.sc.invoke(arrival=arrival, contact=self, **kw)
            invs.append(inv)
            arrival = inv.end + r.randint(100, 300)
        if invs:
            wait = invs[-1].end + r.randint(3, 12) - T
        else:
            wait = wait_ms
        self.t = T + min(limit, wait) + r.randint(10, 40)
        return T, invs


# ---------------------------------------------------------------------------
# A scenario: everything that goes into one fixtures/<name>/ folder
# ---------------------------------------------------------------------------

class Scenario:
    def __init__(self, name, alias="acme-prod"):
        self.name = name
        self.rng = random.Random(f"connect-timeouts/{name}")
        self.instance_id = self.uuid()
        self.queue_id = self.uuid()
        self.connect_group = f"/aws/connect/{alias}" if alias else None
        self.connect_events: list[tuple] = []  # (ts, seq, stream, message)
        self.connect_streams = [f"{self.instance_id}_{n}" for n in range(2)]
        self.functions: dict[str, Function] = {}
        self.failures: list[dict] = []
        self.successful = 0
        self.duplicates = 0
        self.reserved: list[tuple[str, int, int]] = []
        self.extra: dict = {}
        self._seq = 0
        self.files: list[tuple[str, bytes]] = []
        self.formats: list[tuple[str, str]] = []

    # -- ids ----------------------------------------------------------------
    def uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def hex(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def next_seq(self):
        self._seq += 1
        return self._seq

    # -- builders -------------------------------------------------------------
    def function(self, name, runtime, **kw):
        fn = Function(self, name, runtime, **kw)
        self.functions[name] = fn
        return fn

    def flow(self, name, labels=False):
        return Flow(self, name, labels)

    def contact(self, start, flow, stream=None):
        return Contact(self, start, flow,
                       stream or self.rng.choice(self.connect_streams))

    def connect_entry(self, ts, stream, entry):
        self.connect_events.append((ts, self.next_seq(), stream, compact(entry)))
        if entry["ContactFlowModuleType"] == "InvokeExternalResource" \
                and "ExternalResults" in entry:
            self.successful += 1

    def duplicate(self, entry):
        """Deliver a Connect entry a second time (at-least-once delivery).
        `duplicates` counts duplicated Lambda blocks: the tool keeps (and so
        de-duplicates) only those; other entries' duplicates change nothing."""
        msg = compact(entry)
        for ev in self.connect_events:
            if ev[3] == msg:
                self.connect_events.append((ev[0], self.next_seq(), ev[2], msg))
                if entry["ContactFlowModuleType"] == "InvokeExternalResource":
                    self.duplicates += 1
                return
        raise ValueError("no such entry")

    def reserve(self, fn, T, limit):
        """Keep other traffic of fn out of a failed block's link window."""
        self.reserved.append((fn.name, T - limit - 4000, T + limit + 4000))

    def is_reserved(self, fn, t0, t1):
        return any(n == fn.name and t0 < b and t1 > a for n, a, b in self.reserved)

    # -- one Lambda invocation ------------------------------------------------
    def invoke(self, fn, arrival, *, duration, init=None, status="success",
               error_type=None, lines=(), init_lines=(), init_timeout=False,
               env=None, contact=None, used_mb=None):
        """Emit one invocation's log lines and return it.

        duration: REPORT Duration (ms, float). init: Init Duration (ms) for a
        cold start in a new stream (INIT_START at `arrival`). status: success,
        timeout (function timeout), crash (runtime exit: Runtime.ExitError
        or error_type), handled (the handler threw: Node `Invoke Error`).
        init_timeout: INIT_REPORT Status: timeout after 10 s, then START and a
        suppressed init that runs into the function timeout.
        """
        r = self.rng
        cold = init is not None or init_timeout
        if cold:
            env = Env(fn, arrival)
            fn.envs.append(env)
        elif env is None:
            env = self.free_env(fn, arrival, duration)
        rid = self.uuid()
        s = env.stream
        text = fn.log_format == "text"
        new = fn.era == "new"
        used = used_mb or r.randint(70, 120)
        t = arrival

        def js(ts, typ, rec):
            fn.emit(ts, s, compact({"time": iso(ts), "type": typ, "record": rec}))

        # -- init ------------------------------------------------------------
        init_ms = 0.0
        if cold:
            if text:
                fn.emit(t, s, f"INIT_START Runtime Version: {fn.runtime_version}\t"
                              f"Runtime Version ARN: {fn.runtime_arn}\n")
            else:
                js(t, "platform.initStart", {
                    "initializationType": "on-demand", "phase": "init",
                    "runtimeVersion": fn.runtime_version, "runtimeVersionArn": fn.runtime_arn,
                    "functionName": fn.name, "functionVersion": fn.version,
                    "instanceId": s, "instanceMaxMemory": fn.memory * 1048576})
            for off, msg, level, kind in init_lines:
                self.app_line(fn, s, t + off, "", msg, level, kind)
            if init_timeout:
                init_ms = 10000 + r.randint(0, 900) / 100
                t += math.ceil(init_ms)
                if text:
                    fn.emit(t, s, f"INIT_REPORT Init Duration: {init_ms:.2f} ms\t"
                                  f"Phase: init\tStatus: timeout\n")
                else:
                    js(t, "platform.initReport", {
                        "initializationType": "on-demand", "phase": "init",
                        "status": "timeout", "metrics": {"durationMs": init_ms}})
                t += r.randint(2, 6)
            else:
                init_ms = init + r.randint(0, 99) / 100
                t += math.ceil(init_ms) + r.randint(1, 4)
        start = t

        # -- handler ---------------------------------------------------------
        if text:
            fn.emit(start, s, f"START RequestId: {rid} Version: {fn.version}\n")
        else:
            js(start, "platform.start", {"requestId": rid, "functionArn": fn.base_arn,
                                          "version": fn.version})
        texts = []
        for off, msg, level, kind in lines:
            self.app_line(fn, s, start + off, rid, msg, level, kind)
            texts.append(msg)
        if status == "timeout" or init_timeout:
            status = "timeout"
            if fn.era == "old" and text:
                duration = fn.timeout_s * 1000 + r.randint(100, 800) / 100
            else:
                duration = float(fn.timeout_s * 1000)
        elif isinstance(duration, int):
            duration = duration + r.randint(0, 99) / 100
        end = start + math.ceil(duration)
        assert all(off < duration for off, *_ in lines), (fn.name, duration, lines)
        if status == "handled":
            err = {"errorType": "Error", "errorMessage": "ticket API returned 502 Bad Gateway",
                   "stack": ["Error: ticket API returned 502 Bad Gateway",
                             "    at createTicket (/var/task/index.js:41:11)",
                             "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"]}
            self.app_line(fn, s, end - 1, rid, "Invoke Error \t" + compact(err), "ERROR", "log")

        billed = math.ceil(duration)
        if cold and not init_timeout and (new or not text):
            billed = math.ceil(duration + init_ms)  # init is billed since Aug 2025
        if status == "timeout":
            billed = fn.timeout_s * 1000
        if text:
            tail = []
            if status == "timeout" and not new:
                fn.emit(end, s, f"{iso(end)} {rid} Task timed out after "
                                f"{fn.timeout_s:.2f} seconds\n\n")
            if status == "crash" and not new:
                fn.emit(end, s, f"RequestId: {rid} Error: Runtime exited with error: "
                                f"exit status 1\n")
                fn.emit(end, s, f"{error_type or 'Runtime.ExitError'}\n")
            if new and status == "timeout":
                tail = ["Status: timeout"]
            if new and status == "crash":
                tail = ["Status: error", f"Error Type: {error_type or 'Runtime.ExitError'}"]
            fn.emit(end, s, f"END RequestId: {rid}\n")
            parts = [f"REPORT RequestId: {rid}", f"Duration: {duration:.2f} ms",
                     f"Billed Duration: {billed} ms", f"Memory Size: {fn.memory} MB",
                     f"Max Memory Used: {used} MB"]
            if cold and not init_timeout:
                parts.append(f"Init Duration: {init_ms:.2f} ms")
            parts += tail
            fn.emit(end + r.randint(0, 1), s,
                    "\t".join(parts) + ("\n" if tail else "\t\n"))
        else:
            st = {"success": "success", "handled": "error", "crash": "error",
                  "timeout": "timeout"}[status]
            rec = {"requestId": rid, "status": st}
            if status == "crash":
                rec["errorType"] = error_type or "Runtime.ExitError"
            rec["metrics"] = {"durationMs": round(duration + r.randint(10, 90) / 100, 3),
                              "producedBytes": r.randint(40, 400) if st == "success" else 0}
            js(end, "platform.runtimeDone", rec)
            metrics = {"durationMs": duration, "billedDurationMs": billed,
                       "memorySizeMB": fn.memory, "maxMemoryUsedMB": used}
            if cold and not init_timeout:
                metrics["initDurationMs"] = init_ms
            rec = {"requestId": rid, "metrics": metrics, "status": st}
            if status == "crash":
                rec["errorType"] = error_type or "Runtime.ExitError"
            js(end + r.randint(1, 3), "platform.report", rec)

        inv = Invocation(fn, env, rid, arrival, start, end + 3, cold, texts)
        env.busy.append((arrival, end + 3))
        fn.invocations.append(inv)
        return inv

    def app_line(self, fn, stream, ts, rid, msg, level, kind):
        if fn.log_format == "json":
            if fn.runtime == "node":
                rec = {"timestamp": iso(ts), "level": level, "requestId": rid or None,
                       "message": msg}
            else:
                rec = {"timestamp": iso(ts), "level": level, "message": msg,
                       "logger": "root", "requestId": rid or None}
            fn.emit(ts, stream, compact({k: v for k, v in rec.items() if v is not None}))
        elif kind == "print":
            fn.emit(ts, stream, msg + "\n")
        elif fn.runtime == "node":
            fn.emit(ts, stream, f"{iso(ts)}\t{rid or 'undefined'}\t{level}\t{msg}\n")
        else:
            fn.emit(ts, stream, f"[{level}]\t{iso(ts)}\t{rid}\t{msg}\n")

    def free_env(self, fn, t, duration):
        for env in fn.envs:
            if env.free(t, t + int(duration) + 50):
                return env
        raise RuntimeError(f"{self.name}: no warm environment of {fn.name} at {iso(t)}")

    def prewarm(self, fn, before, spread=(60_000, 240_000), n=1, contact_id=True):
        """Unrelated earlier invocations (health checks, contacts whose flows
        do not log) that leave n warm environments behind."""
        for _ in range(n):
            for _try in range(50):
                t = before - self.rng.randint(*spread)
                if not self.is_reserved(fn, t - 500, t + 3000):
                    break
            cid = self.uuid() if contact_id else None
            d = self.rng.randint(60, 300)
            self.invoke(fn, t, init=self.rng.randint(300, 900), duration=d,
                        lines=ok_lines(fn, cid, self.rng, d))

    def background(self, fn, n=2):
        """n unrelated invocations minutes away from the scenario's failures
        (other callers of the function), so the group is not just the failure."""
        T = self.failures[0]["T"]
        for _ in range(n):
            for _try in range(100):
                t = T + self.rng.choice([-1, 1]) * self.rng.randint(150_000, 600_000)
                if all(abs(t - f["T"]) > f["L"] + 30_000 for f in self.failures):
                    break
            d = self.rng.randint(60, 400)
            cid = self.uuid() if fn.logs_contact_id else None
            kw = {}
            if not any(e.free(t, t + d + 50) for e in fn.envs):
                kw["init"] = self.rng.randint(300, 900)
            self.invoke(fn, t, duration=d, lines=ok_lines(fn, cid, self.rng, d), **kw)

    # -- expectations -----------------------------------------------------------
    def fail(self, contact, block_name, fn_name, cls, T, limit, invs, contributing=()):
        self.failures.append(dict(contact=contact, block=contact.flow.block_id(block_name),
                                  fn=fn_name, cls=cls, T=T, L=limit, invs=invs,
                                  contributing=list(contributing)))

    def lambda_contacts(self):
        """ContactIds of every contact with a Lambda block."""
        ids = set()
        for _, _, _, msg in self.connect_events:
            e = json.loads(msg)
            if e["ContactFlowModuleType"] == "InvokeExternalResource":
                ids.add(e["ContactId"])
        return ids

    def expected(self):
        out = []
        contacts = self.lambda_contacts()
        for f in self.failures:
            fn = self.functions.get(f["fn"])
            lo, hi = f["T"] - f["L"] - 2000, f["T"] + f["L"] + 2000
            others = contacts - {f["contact"].id}
            # An invocation that logged another contact's id is not a candidate.
            cands = [i for i in fn.invocations if lo <= i.arrival <= hi
                     and not any(o in t for t in i.texts for o in others)] if fn else []
            invs = f["invs"]
            if not invs:
                conf = "none"
            elif any(f["contact"].id in t for t in invs[0].texts):
                conf = "exact"
            elif len(cands) == 1:
                conf = "window"
            else:
                conf = "ambiguous"
            out.append({
                "contact_id": f["contact"].id,
                "block_identifier": f["block"],
                "block_timestamp": iso(f["T"]),
                "time_limit_ms": f["L"],
                "function": f["fn"],
                "class": f["cls"],
                "confidence": conf,
                "candidates": len(cands),
                "request_ids": [i.request_id for i in invs],
                "contributing": f["contributing"],
            })
        out.sort(key=lambda x: x["block_timestamp"])
        doc = {"connect_group": self.connect_group, "failures": out,
               "successful_lambda_blocks": self.successful, "duplicates": self.duplicates}
        doc.update(self.extra)
        return doc

    # -- output -----------------------------------------------------------------
    def group_events(self, group):
        if group == self.connect_group:
            evs = self.connect_events
        else:
            evs = next(f.events for f in self.functions.values() if f.group == group)
        return sorted(evs, key=lambda e: (e[0], e[1]))

    def write(self, group, filename, fmt, events=None, *, pages=1, with_group=False):
        """fmt: "fle" (filter-log-events JSON), "ndjson", "query" (get-query-results)."""
        evs = self.group_events(group) if events is None else events
        rel = group.lstrip("/") + "/" + filename
        r = self.rng
        if fmt == "fle":
            chunks = [evs] if pages == 1 else [evs[:len(evs) // 2], evs[len(evs) // 2:]]
            text = ""
            for i, chunk in enumerate(chunks):
                doc = {"events": [{
                    "logStreamName": s, "timestamp": ts, "message": m,
                    "ingestionTime": ts + r.randint(150, 1800),
                    "eventId": str(r.randrange(10 ** 55, 10 ** 56))} for ts, _, s, m in chunk],
                    "searchedLogStreams": []}
                if i < len(chunks) - 1:
                    doc["nextToken"] = base64.urlsafe_b64encode(
                        r.randbytes(96)).decode().rstrip("=")
                text += json.dumps(doc, indent=4, ensure_ascii=False) + "\n"
        elif fmt == "ndjson":
            text = ""
            for ts, _, s, m in evs:
                d = {"timestamp": ts, "logStream": s, "message": m}
                if with_group:
                    d["logGroup"] = group
                text += json.dumps(d, ensure_ascii=False) + "\n"
        elif fmt == "query":
            rows = [[{"field": "@timestamp", "value": insights_ts(ts)},
                     {"field": "@logStream", "value": s},
                     {"field": "@log", "value": f"{ACCOUNT}:{group}"},
                     {"field": "@message", "value": m},
                     {"field": "@ptr", "value": base64.b64encode(r.randbytes(90)).decode()}]
                    for ts, _, s, m in evs]
            size = sum(len(m.encode()) for *_, m in evs)
            doc = {"results": rows,
                   "statistics": {"recordsMatched": float(len(rows)),
                                  "recordsScanned": float(len(rows) + r.randint(50, 900)),
                                  "bytesScanned": float(size + r.randint(20000, 90000))},
                   "status": "Complete"}
            text = json.dumps(doc, indent=4, ensure_ascii=False) + "\n"
        else:
            raise ValueError(fmt)
        self.files.append((rel, text.encode()))
        self.formats.append((rel, fmt))

    def raw(self, rel, data: bytes, fmt="raw"):
        self.files.append((rel, data))
        self.formats.append((rel, fmt))

    def save(self):
        base = FIXTURES / self.name
        for rel, data in self.files:
            p = base / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        # The truth lives outside the scenario folder, so that
        # `--input fixtures/<name>` reads nothing but logs.
        (FIXTURES / "expected").mkdir(parents=True, exist_ok=True)
        (FIXTURES / "expected" / f"{self.name}.json").write_text(
            json.dumps(self.expected(), indent=2) + "\n")


# ---------------------------------------------------------------------------
# What the handlers print
# ---------------------------------------------------------------------------

def cid_line(fn, cid):
    if not (fn.logs_contact_id and cid):
        return []
    if fn.style == "print":
        return [line(3, f"contact {cid} received", kind="print")]
    return [line(3, f"handling contact {cid}")]


def call_line(fn, off, rng):
    kind = "print" if fn.style == "print" else "log"
    return line(off, fn.target.format(n=rng.randint(1000, 9999)), kind=kind)


def ok_lines(fn, cid, rng, duration):
    """A normal, quick invocation."""
    kind = "print" if fn.style == "print" else "log"
    d = int(duration)
    return cid_line(fn, cid) + [
        call_line(fn, 8, rng),
        line(max(d - 6, 10), f"upstream responded 200 in {max(d - 20, 5)} ms", kind=kind),
        line(max(d - 2, 11), "returning 3 attributes", kind=kind)]


def stall_lines(fn, cid, rng):
    """2-4 lines within the first ~300 ms, then silence."""
    kind = "print" if fn.style == "print" else "log"
    out = cid_line(fn, cid) + [line(rng.randint(10, 40), "loaded config from SSM", kind=kind),
                               call_line(fn, rng.randint(60, 280), rng)]
    return out


def steady_lines(fn, cid, rng, duration, first=10):
    """Output every 300-600 ms until the end (no gap of 1 s)."""
    kind = "print" if fn.style == "print" else "log"
    out = cid_line(fn, cid) + [call_line(fn, first, rng)]
    t, page = first, 1
    while True:
        t += rng.randint(300, 600)
        if t >= duration - 20:
            break
        out.append(line(t, f"fetched page {page} ({rng.randint(20, 50)} records)", kind=kind))
        page += 1
    out.append(line(int(duration) - 8, f"returning {page * 25} records summary", kind=kind))
    return out


# ---------------------------------------------------------------------------
# Reusable contact shapes
# ---------------------------------------------------------------------------

def ok_block(sc, c, fn, limit=8000, name=None, duration=None, key="customerTier",
             warm_only=False):
    """A successful Lambda block; picks a warm environment or cold-starts."""
    r = sc.rng
    d = duration or r.randint(60, 700)
    arrival = c.t + 50  # about; lambda_block picks 20..80 ms
    kw = dict(fn=fn, duration=d, lines=ok_lines(fn, c.id, r, d))
    if not any(e.free(arrival - 40, arrival + d + 200) for e in fn.envs):
        kw["init"] = r.randint(250, min(900, limit - d - 300))
    T, invs = c.lambda_block(fn.arn, limit, name or f"Invoke {fn.name}", {"phone": c.phone},
                             external={key: r.choice(["gold", "silver", "bronze"]),
                                       "status": "ok"},
                             attempts=[kw])
    c.after_lambda(key)
    return invs[0]


def fail_block(sc, c, fn, limit, cls, attempts, *, name=None, results=GENERIC_ERROR,
               wait_ms=None, contributing=(), end="transfer", arrive_delay=None):
    """A failed Lambda block followed by the error branch; recorded in expected."""
    bname = name or f"Invoke {fn.name if hasattr(fn, 'name') else fn}"
    arn = fn.arn if hasattr(fn, "arn") else fn
    fname = fn.name if hasattr(fn, "name") else arn.split(":function:")[1].split(":")[0]
    T, invs = c.lambda_block(arn, limit, bname, {"phone": c.phone}, results=results,
                             attempts=attempts, wait_ms=wait_ms, arrive_delay=arrive_delay)
    sc.fail(c, bname, fname, cls, T, limit, invs, contributing)
    c.error_branch(end)
    return T, invs


# ---------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------

def crm(sc, **kw):
    kw.setdefault("timeout_s", 30)
    return sc.function("crm-lookup", "node", logs_contact_id=True,
                       target="calling CRM https://crm.internal/api/customers?phone=%2B1206555{n}",
                       **kw)


def balance(sc, **kw):
    kw.setdefault("timeout_s", 3)
    return sc.function("balance-check", "python", era="old",
                       target="querying ledger for account AC-{n}", **kw)


def scenario_demo():
    sc = Scenario("demo")
    r = sc.rng
    crm_fn = crm(sc)
    bal = balance(sc, memory=128)
    route = sc.function("route-by-language", "python", log_format="json", timeout_s=10,
                        target="detecting language for caller {n}")
    ticket = sc.function("ticket-create", "node", alias="live", version="7", timeout_s=15,
                         target="POST https://tickets.internal/api/v2/tickets (ref {n})")
    main = sc.flow("Acme Main IVR")
    billing = sc.flow("Billing Support", labels=True)
    loyalty_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:loyalty-points"

    def start(hh, mm, ss, flow=main):
        c = sc.contact(at(hh, mm, ss, r.randint(0, 999)), flow)
        c.intro()
        return c

    # -- failures first: they reserve their link windows ----------------------
    # cold start, JSON format: L=3000, I~2400 + D~900 > L
    c = start(10, 2, 10)
    sc.reserve(route, c.t, 3000)
    fail_block(sc, c, route, 3000, "cold_start", [dict(
        fn=route, init=2400, duration=900,
        init_lines=[line(40, "loading language model from /opt/model.bin")],
        lines=steady_lines(route, c.id, r, 900))])

    # downstream stall that logs the ContactId -> exact
    c = start(10, 4, 30, billing)
    ok_block(sc, c, bal, 8000, name="Lambda_balance-check", key="balance")
    sc.reserve(crm_fn, c.t, 8000)
    sc.prewarm(crm_fn, c.t)
    fail_block(sc, c, crm_fn, 8000, "downstream_stall", [dict(
        fn=crm_fn, duration=12000 + r.randint(0, 900), lines=stall_lines(crm_fn, c.id, r))],
        name="Lambda_crm-lookup")

    # misconfigured timeout: 3 s function under an 8 s block (old era)
    c = start(10, 7, 0, billing)
    sc.reserve(bal, c.t, 8000)
    sc.prewarm(bal, c.t)
    fail_block(sc, c, bal, 8000, "misconfigured_timeout", [dict(
        fn=bal, duration=0, status="timeout", lines=stall_lines(bal, c.id, r))],
        name="Lambda_balance-check", contributing=["downstream_stall"])

    # function error (Node "Invoke Error"), one retry by Connect
    c = start(10, 9, 40)
    sc.reserve(ticket, c.t, 8000)
    sc.prewarm(ticket, c.t, n=2)
    post = [call_line(ticket, 12, r)]
    fail_block(sc, c, ticket, 8000, "function_error", [
        dict(fn=ticket, duration=r.randint(300, 450), status="handled", lines=post),
        dict(fn=ticket, duration=r.randint(300, 450), status="handled", lines=post,
             retry=True)], end="disconnect")

    # init timeout, JSON format
    c = start(10, 12, 20)
    sc.reserve(route, c.t, 8000)
    fail_block(sc, c, route, 8000, "init_timeout", [dict(
        fn=route, duration=0, init_timeout=True,
        init_lines=[line(35, "loading language model from /opt/model.bin")])])

    # throttled
    c = start(10, 14, 50, billing)
    sc.reserve(bal, c.t, 5000)
    fail_block(sc, c, bal, 5000, "throttled", [], name="Lambda_balance-check",
               results=f"Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: "
                       f"TooManyRequestsException; Request ID: {sc.uuid()})",
               wait_ms=r.randint(600, 1200))

    # access denied (Connect may not invoke loyalty-points; no log group)
    c = start(10, 17, 30)
    fail_block(sc, c, loyalty_arn, 3000, "access_denied", [], name="Invoke loyalty-points",
               results=f"Status Code: 403; Error Code: AccessDeniedException; "
                       f"RequestId: {sc.uuid()}", wait_ms=r.randint(40, 120))

    # slow: warm, steady output, D > L
    c = start(10, 20, 0)
    sc.reserve(crm_fn, c.t, 3000)
    sc.prewarm(crm_fn, c.t)
    _, invs = fail_block(sc, c, crm_fn, 3000, "slow", [dict(
        fn=crm_fn, duration=3900, lines=steady_lines(crm_fn, c.id, r, 3900))])
    slow_entry = next(e for e in c.entries if e["ContactFlowModuleType"] == "InvokeExternalResource")

    # cold start, text format (old era): L=3000, I~1900 + D~1500
    c = start(10, 22, 40, billing)
    sc.reserve(bal, c.t, 3000)
    fail_block(sc, c, bal, 3000, "cold_start", [dict(
        fn=bal, init=1900, duration=1500,
        init_lines=[line(30, "Found credentials in environment variables.")],
        lines=steady_lines(bal, c.id, r, 1500))], name="Lambda_balance-check")

    # downstream stall without ContactId; the function times out at 15 s
    c = start(10, 25, 10)
    sc.reserve(ticket, c.t, 6000)
    sc.prewarm(ticket, c.t)
    fail_block(sc, c, ticket, 6000, "downstream_stall", [dict(
        fn=ticket, duration=0, status="timeout", lines=stall_lines(ticket, None, r))])

    # -- successful contacts around them ---------------------------------------
    funcs = [crm_fn, bal, route, ticket]
    first_ok = None
    for i in range(30):
        flow = r.choice([main, billing])
        c = sc.contact(at(10, 0, 30) + i * 58_000 + r.randint(0, 20_000), flow)
        c.intro()
        for _ in range(r.choice([1, 1, 2, 2, 3])):
            choices = [f for f in funcs if not sc.is_reserved(f, c.t - 1000, c.t + 9000)]
            if not choices:
                c.step("SetAttributes", "Pad", {"Value": "none", "Key": "lookup"})
                continue
            fn = r.choice(choices)
            limit = r.choice([3000, 5000, 8000])
            d = r.randint(60, min(1200, fn.timeout_s * 1000 - 500))
            nm = f"Lambda_{fn.name}" if flow.labels else None
            inv = ok_block(sc, c, fn, limit, name=nm, duration=d)
            first_ok = first_ok or c
        c.outro()

    # duplicates: a failed block entry, a successful one, a prompt
    sc.duplicate(slow_entry)
    ok_entry = next(e for e in first_ok.entries if "ExternalResults" in e)
    sc.duplicate(ok_entry)
    sc.duplicate(next(e for e in first_ok.entries if e["ContactFlowModuleType"] == "PlayPrompt"))

    # -- files -------------------------------------------------------------------
    sc.write(sc.connect_group, "flow-logs.json", "fle", pages=2)
    for fn, fmts in ((crm_fn, ("fle", "ndjson")), (bal, ("ndjson",)), (route, ("ndjson",)),
                     (ticket, ("fle",))):
        evs = sc.group_events(fn.group)
        if len(fmts) == 2:
            half = len(evs) // 2
            sc.write(fn.group, "part-1.json", fmts[0], evs[:half])
            sc.write(fn.group, "part-2.ndjson", fmts[1], evs[half:])
        else:
            sc.write(fn.group, "events." + ("json" if fmts[0] == "fle" else "ndjson"), fmts[0])
    return sc


def small(name, alias="acme-prod"):
    sc = Scenario(name, alias)
    return sc, sc.flow("Acme Main IVR")


def begin(sc, flow, hh, mm, ss):
    c = sc.contact(at(hh, mm, ss, sc.rng.randint(0, 999)), flow)
    c.intro()
    return c


def success_contact(sc, flow, fn, hh, mm, ss, limit=8000):
    c = begin(sc, flow, hh, mm, ss)
    ok_block(sc, c, fn, limit)
    c.outro()
    return c


def scenario_cold_start():
    sc, flow = small("cold-start")
    r = sc.rng
    fn = crm(sc)
    sc.prewarm(fn, at(10, 15, 0), spread=(600_000, 900_000))
    c = begin(sc, flow, 10, 15, 5)
    fail_block(sc, c, fn, 3000, "cold_start", [dict(
        fn=fn, init=2200, duration=1400,
        init_lines=[line(25, "warming connection pool (5 connections)")],
        lines=steady_lines(fn, c.id, r, 1400))])
    success_contact(sc, flow, fn, 10, 16, 40)
    sc.background(fn)
    sc.write(sc.connect_group, "flow-logs.ndjson", "ndjson")
    sc.write(fn.group, "events.json", "fle")
    return sc


def scenario_init_timeout():
    sc, flow = small("init-timeout")
    fn = sc.function("ticket-create", "node", timeout_s=10,
                     target="POST https://tickets.internal/api/v2/tickets (ref {n})")
    sc.prewarm(fn, at(10, 10, 0), spread=(900_000, 1_200_000))
    c = begin(sc, flow, 10, 12, 0)
    fail_block(sc, c, fn, 8000, "init_timeout", [dict(
        fn=fn, duration=0, init_timeout=True,
        init_lines=[line(30, "fetching secrets from Secrets Manager")])])
    success_contact(sc, flow, fn, 10, 13, 30)
    sc.background(fn)
    sc.write(sc.connect_group, "flow-logs.json", "fle")
    sc.write(fn.group, "events.ndjson", "ndjson")
    return sc


def scenario_misconfigured(name, era):
    sc, flow = small(name)
    r = sc.rng
    if era == "old":
        fn = balance(sc, memory=128)
    else:
        fn = sc.function("order-status", "node", timeout_s=3,
                         target="GET https://orders.internal/api/orders?phone=%2B1206555{n}")
    c = begin(sc, flow, 10, 15, 0)
    sc.reserve(fn, c.t, 8000)
    sc.prewarm(fn, c.t, n=1)
    fail_block(sc, c, fn, 8000, "misconfigured_timeout", [dict(
        fn=fn, duration=0, status="timeout", lines=stall_lines(fn, c.id, r))],
        contributing=["downstream_stall"])
    success_contact(sc, flow, fn, 10, 16, 20)
    d = r.randint(80, 200)
    sc.invoke(fn, at(10, 18, 2, 450), duration=d, lines=ok_lines(fn, None, r, d))
    sc.background(fn, n=1)
    if era == "old":
        sc.write(sc.connect_group, "flow-logs.ndjson", "ndjson", with_group=True)
        sc.write(fn.group, "events.ndjson", "ndjson")
    else:
        sc.write(sc.connect_group, "flow-logs.json", "fle")
        sc.write(fn.group, "events.json", "fle")
    return sc


def scenario_function_error():
    sc, flow = small("function-error")
    r = sc.rng
    fn = sc.function("order-status", "node", timeout_s=6,
                     target="GET https://orders.internal/api/orders?phone=%2B1206555{n}")
    sc.invoke(fn, at(9, 58, 12, 300), init=480, duration=95, lines=ok_lines(fn, None, r, 95))
    c = begin(sc, flow, 10, 5, 0)

    crash_lines = [call_line(fn, 9, r),
                   line(40, "orders API returned malformed JSON, exiting", "ERROR")]

    def crash(**kw):
        return dict(fn=fn, duration=r.randint(250, 450), status="crash", lines=crash_lines,
                    **kw)
    # the first attempt is a cold start, but it is an error, not a cold start;
    # Connect retries twice in the same (re-initialised) environment
    fail_block(sc, c, fn, 5000, "function_error",
               [crash(init=1900), crash(retry=True), crash(retry=True)])
    success_contact(sc, flow, fn, 10, 7, 45)
    sc.background(fn)
    sc.write(sc.connect_group, "flow-logs.json", "query")
    sc.write(fn.group, "events.json", "fle")
    return sc


def scenario_downstream_stall():
    sc, flow = small("downstream-stall")
    r = sc.rng
    fn = sc.function("crm-lookup", "python", log_format="json", timeout_s=30,
                     logs_contact_id=True,
                     target="calling CRM https://crm.internal/api/customers?phone=%2B1206555{n}")
    c = begin(sc, flow, 10, 30, 0)
    sc.reserve(fn, c.t, 8000)
    sc.prewarm(fn, c.t, n=2)
    fail_block(sc, c, fn, 8000, "downstream_stall", [dict(
        fn=fn, duration=11800 + r.randint(0, 600), lines=stall_lines(fn, c.id, r))])
    success_contact(sc, flow, fn, 10, 31, 10)
    sc.background(fn)
    sc.write(sc.connect_group, "flow-logs.json", "fle")
    sc.write(fn.group, "events.ndjson", "ndjson")
    return sc


def scenario_slow():
    sc, flow = small("slow")
    r = sc.rng
    fn = balance(sc, timeout_s=10)
    c = begin(sc, flow, 11, 0, 0)
    sc.reserve(fn, c.t, 3000)
    sc.prewarm(fn, c.t)
    fail_block(sc, c, fn, 3000, "slow", [dict(
        fn=fn, duration=3900, lines=steady_lines(fn, c.id, r, 3900))])
    success_contact(sc, flow, fn, 11, 1, 5)
    sc.background(fn)
    sc.write(sc.connect_group, "flow-logs.ndjson", "ndjson")
    sc.write(fn.group, "query-results.json", "query")
    return sc


def scenario_throttled():
    sc, flow = small("throttled")
    r = sc.rng
    fn = sc.function("crm-lookup", "node", timeout_s=30, logs_contact_id=True,
                     target="calling CRM https://crm.internal/api/customers?phone=%2B1206555{n}")
    success_contact(sc, flow, fn, 10, 40, 0)
    c = begin(sc, flow, 10, 41, 0)
    fail_block(sc, c, fn, 5000, "throttled", [],
               results=f"Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: "
                       f"TooManyRequestsException; Request ID: {sc.uuid()})",
               wait_ms=r.randint(700, 1400))
    success_contact(sc, flow, fn, 10, 42, 30)
    sc.background(fn)
    sc.write(sc.connect_group, "flow-logs.json", "query")
    sc.write(fn.group, "events.ndjson", "ndjson")
    return sc


def scenario_access_denied():
    sc, flow = small("access-denied")
    r = sc.rng
    fn = sc.function("ticket-create", "node", timeout_s=15,
                     target="POST https://tickets.internal/api/v2/tickets (ref {n})")
    success_contact(sc, flow, fn, 9, 50, 0)
    c = begin(sc, flow, 10, 0, 0)
    # the flow invokes the `live` alias, which Connect has no permission for
    fail_block(sc, c, fn.base_arn + ":live", 3000, "access_denied", [],
               name="Invoke ticket-create",
               results=f"Status Code: 403; Error Code: AccessDeniedException; "
                       f"RequestId: {sc.uuid()}", wait_ms=r.randint(40, 120),
               end="disconnect")
    d = r.randint(100, 300)
    sc.invoke(fn, at(10, 3, 0, 120), duration=d, lines=ok_lines(fn, None, r, d))
    sc.background(fn)
    sc.write(sc.connect_group, "flow-logs.json", "fle")
    sc.write(fn.group, "events.json", "fle")
    return sc


def scenario_unlinked():
    sc, flow = small("unlinked")
    r = sc.rng
    fn = balance(sc, timeout_s=5)
    # the function's logs end an hour before the failure
    sc.invoke(fn, at(9, 10, 4, 200), init=620, duration=140, lines=ok_lines(fn, None, r, 140))
    sc.invoke(fn, at(9, 12, 40, 10), duration=210, lines=ok_lines(fn, None, r, 210))
    sc.invoke(fn, at(9, 14, 1, 900), duration=330, status="crash",
              lines=[call_line(fn, 8, r)])
    c = begin(sc, flow, 10, 15, 0)
    fail_block(sc, c, fn, 8000, "unlinked", [], wait_ms=8000)
    sc.write(sc.connect_group, "flow-logs.ndjson", "ndjson")
    sc.write(fn.group, "events.json", "fle")
    return sc


def scenario_unexplained():
    sc, flow = small("unexplained")
    r = sc.rng
    fn = sc.function("route-by-language", "node", log_format="json", timeout_s=10,
                     target="detecting language for caller {n}")
    sc.prewarm(fn, at(10, 20, 0), spread=(300_000, 400_000))
    c = begin(sc, flow, 10, 20, 0)
    # the function succeeds in ~180 ms but returns a nested object, which
    # fails the block's STRING_MAP validation
    fail_block(sc, c, fn, 5000, "unexplained", [dict(
        fn=fn, duration=180, lines=[call_line(fn, 6, r), line(
            170, 'returning {"language":"es","queues":["es-billing","es-general"]}')])])
    success_contact(sc, flow, fn, 10, 22, 10)
    sc.background(fn)
    sc.write(sc.connect_group, "flow-logs.json", "fle")
    sc.write(fn.group, "query-results.json", "query")
    return sc


def scenario_burst():
    sc, flow = small("burst")
    r = sc.rng
    fn = sc.function("account-verify", "node", timeout_s=10,
                     target="verifying account with https://accounts.internal/verify?ref={n}")
    c1 = begin(sc, flow, 10, 45, 0)
    c2 = sc.contact(c1.t - 12000, flow)
    c2.intro()
    assert c2.t < c1.t + 700
    c2.t = c1.t + 700  # the second block starts 700 ms after the first
    # each block's request arrives 40 ms after its own T, on its own cold env
    for c, (i, d) in ((c1, (2350, 1100)), (c2, (2500, 850))):
        T, invs = c.lambda_block(fn.arn, 3000, "Invoke account-verify", {"phone": c.phone},
                                 results=GENERIC_ERROR, arrive_delay=40,
                                 attempts=[dict(fn=fn, init=i, duration=d,
                                                lines=steady_lines(fn, None, r, d))])
        sc.fail(c, "Invoke account-verify", fn.name, "cold_start", T, 3000, invs)
    for c in (c1, c2):
        c.error_branch()
    success_contact(sc, flow, fn, 10, 46, 30)
    sc.background(fn)
    sc.write(sc.connect_group, "flow-logs.ndjson", "ndjson")
    sc.write(fn.group, "events.json", "fle")
    return sc


def scenario_exact_link():
    sc, flow = small("exact-link")
    r = sc.rng
    fn = sc.function("crm-lookup", "python", timeout_s=30, logs_contact_id=True,
                     style="print",
                     target="calling CRM https://crm.internal/api/customers?phone=%2B1206555{n}")
    c = begin(sc, flow, 10, 50, 0)
    sc.reserve(fn, c.t, 5000)
    sc.prewarm(fn, c.t, n=2)
    T = c.t
    # another contact (its flow does not log) reaches the function first
    other = sc.uuid()
    sc.invoke(fn, T + 25, duration=140, lines=ok_lines(fn, other, r, 140))
    fail_block(sc, c, fn, 5000, "downstream_stall", [dict(
        fn=fn, duration=12100 + r.randint(0, 500), lines=stall_lines(fn, c.id, r))],
        arrive_delay=78)
    success_contact(sc, flow, fn, 10, 51, 30)
    sc.background(fn)
    sc.write(sc.connect_group, "flow-logs.json", "fle")
    sc.write(fn.group, "events.ndjson", "ndjson")
    return sc


def scenario_query_results():
    sc, flow = small("query-results")
    r = sc.rng
    fn = crm(sc)
    c = begin(sc, flow, 10, 5, 0)
    sc.reserve(fn, c.t, 8000)
    sc.prewarm(fn, c.t)
    fail_block(sc, c, fn, 8000, "downstream_stall", [dict(
        fn=fn, duration=12400, lines=stall_lines(fn, c.id, r))])
    c = begin(sc, flow, 10, 5, 6)  # concurrent caller: the warm env is busy -> cold
    sc.reserve(fn, c.t, 3000)
    fail_block(sc, c, fn, 3000, "cold_start", [dict(
        fn=fn, init=2600, duration=1200,
        init_lines=[line(25, "warming connection pool (5 connections)")],
        lines=steady_lines(fn, c.id, r, 1200))])
    success_contact(sc, flow, fn, 10, 7, 0)
    sc.background(fn)
    sc.write(sc.connect_group, "query-results.json", "query")
    sc.write(fn.group, "query-results.json", "query")
    return sc


def scenario_bad_input():
    sc, flow = small("bad-input")
    r = sc.rng
    fn = crm(sc)
    c = begin(sc, flow, 10, 10, 0)
    sc.reserve(fn, c.t, 8000)
    sc.prewarm(fn, c.t)
    fail_block(sc, c, fn, 8000, "downstream_stall", [dict(
        fn=fn, duration=12200, lines=stall_lines(fn, c.id, r))])
    success_contact(sc, flow, fn, 10, 11, 0)
    sc.background(fn)
    sc.write(sc.connect_group, "flow-logs.ndjson", "ndjson")
    # the Lambda NDJSON file with broken lines spliced in
    good = [json.dumps({"timestamp": ts, "logStream": s, "message": m}) + "\n"
            for ts, _, s, m in sc.group_events(fn.group)]
    bad = [
        b'{"timestamp": 1795860000000, "logStream": "2026/11/28/[$LATEST]0a1b", "mess',
        b'{"timestamp": 1795860000100, "logStream": "2026/11/28/[$LATEST]0a1b", '
        b'"message": "caf\xe9 \xff\xfe not utf-8\\n"}',  # raw bytes, invalid UTF-8
        b'{"timestamp": 1795860000200, "logStream": "2026/11/28/[$LATEST]0a1b"}',
        b'{"timestamp": 1795860000300, "logStream": "2026/11/28/[$LATEST]0a1b", "message": "ok',
    ]
    n_bad = len(bad)
    data = b""
    step = max(1, len(good) // (len(bad) + 1))
    for i, g in enumerate(good):
        data += g.encode()
        if i % step == step - 1 and bad:
            data += bad.pop(0) + b"\n"
    for b in bad:
        data += b + b"\n"
    sc.raw("aws/lambda/crm-lookup/events.ndjson", data, "ndjson, broken lines")
    sc.raw("aws/lambda/crm-lookup/empty.json", b"", "empty")
    garbage = bytes(x for x in r.randbytes(3000) if x not in (0x0A, 0x0D, 0x7B, 0x5B))[:2048]
    sc.raw("aws/lambda/crm-lookup/garbage.json", garbage, "binary garbage")
    # the garbage has no line breaks: it is one unusable line
    sc.extra["skipped_lines"] = n_bad + 1
    sc.extra["skipped_lines_by_file"] = {
        "aws/lambda/crm-lookup/events.ndjson": n_bad,
        "aws/lambda/crm-lookup/garbage.json": 1,
        "aws/lambda/crm-lookup/empty.json": 0}
    return sc


def scenario_bad_input_no_connect():
    sc = Scenario("bad-input-no-connect", alias=None)
    r = sc.rng
    fn = balance(sc)
    sc.invoke(fn, at(10, 0, 1, 100), init=700, duration=120, lines=ok_lines(fn, None, r, 120))
    sc.invoke(fn, at(10, 2, 9, 500), duration=95, lines=ok_lines(fn, None, r, 95))
    sc.invoke(fn, at(10, 6, 40, 0), init=310, duration=42, status="crash",
              error_type="Runtime.ImportModuleError",
              init_lines=[line(300, "[ERROR] Runtime.ImportModuleError: Unable to import "
                                    "module 'app': No module named 'requests'", kind="print")])
    sc.write(fn.group, "events.json", "fle")
    return sc


SCENARIOS = [
    scenario_demo,
    scenario_cold_start,
    scenario_init_timeout,
    lambda: scenario_misconfigured("misconfigured-timeout", "old"),
    lambda: scenario_misconfigured("misconfigured-timeout-new", "new"),
    scenario_function_error,
    scenario_downstream_stall,
    scenario_slow,
    scenario_throttled,
    scenario_access_denied,
    scenario_unlinked,
    scenario_unexplained,
    scenario_burst,
    scenario_exact_link,
    scenario_query_results,
    scenario_bad_input,
    scenario_bad_input_no_connect,
]


# ---------------------------------------------------------------------------
# --check: re-read the written files and test expected.json against them
# ---------------------------------------------------------------------------

def read_export(path: Path):
    """Events of one exported file as (ts, stream, message); bad lines skipped."""
    data = path.read_bytes()
    out = []
    try:
        txt = data.decode("utf-8")
    except UnicodeDecodeError:
        txt = None
    if txt is not None and txt.lstrip().startswith("{") and "\n    " in txt:
        dec, i = json.JSONDecoder(), 0
        while True:
            while i < len(txt) and txt[i].isspace():
                i += 1
            if i >= len(txt):
                return out
            doc, i = dec.raw_decode(txt, i)
            for e in doc.get("events", []):
                out.append((e["timestamp"], e["logStreamName"], e["message"]))
            for row in doc.get("results", []):
                f = {c["field"]: c["value"] for c in row}
                d = datetime.strptime(f["@timestamp"], "%Y-%m-%d %H:%M:%S.%f")
                ts = int(d.replace(tzinfo=timezone.utc).timestamp() * 1000)
                out.append((ts, f["@logStream"], f["@message"]))
    for raw in data.split(b"\n"):
        try:
            d = json.loads(raw.decode("utf-8"))
            out.append((d["timestamp"], d["logStream"], d["message"]))
        except (ValueError, KeyError, TypeError):
            pass
    return out


def parse_invocations(events):
    """Invocations of one Lambda group from its text or JSON lines."""
    invs, by_stream = {}, {}
    for ts, stream, msg in sorted(events, key=lambda e: e[0]):
        st = by_stream.setdefault(stream, {"init_at": None, "init_timeout": False})
        rec = None
        if msg.startswith("{"):
            rec = json.loads(msg)
        if msg.startswith("INIT_START") or (rec and rec.get("type") == "platform.initStart"):
            st["init_at"] = ts
        elif "Status: timeout" in msg and msg.startswith("INIT_REPORT") or (
                rec and rec.get("type") == "platform.initReport"
                and rec["record"].get("status") == "timeout"):
            st["init_timeout"] = True
        elif msg.startswith("START ") or (rec and rec.get("type") == "platform.start"):
            rid = msg.split()[2] if not rec else rec["record"]["requestId"]
            invs[rid] = {"stream": stream, "start": ts,
                         "arrival": st["init_at"] if st["init_at"] is not None else ts,
                         "cold": st["init_at"] is not None, "init_timeout": st["init_timeout"],
                         "lines": [], "status": "success", "init": 0.0}
            st["init_at"], st["init_timeout"], st["rid"] = None, False, rid
        elif msg.startswith("REPORT ") or (rec and rec.get("type") == "platform.report"):
            if rec:
                r = rec["record"]
                inv = invs[r["requestId"]]
                inv["duration"] = r["metrics"]["durationMs"]
                inv["init"] = r["metrics"].get("initDurationMs", 0.0)
                if r["status"] != "success":
                    inv["status"] = r["status"]
            else:
                f = dict(p.split(": ", 1) for p in msg.strip("\t\n").split("\t"))
                inv = invs[f["REPORT RequestId"]]
                inv["duration"] = float(f["Duration"].split()[0])
                inv["init"] = float(f.get("Init Duration", "0 ms").split()[0])
                if "Status" in f:
                    inv["status"] = f["Status"]
            inv["end"] = ts
        elif rec and rec.get("type", "").startswith("platform."):
            pass
        elif "Task timed out after" in msg:
            invs[by_stream[stream]["rid"]]["status"] = "timeout"
        elif "Invoke Error" in msg or "Runtime exited" in msg:
            invs[by_stream[stream]["rid"]]["status"] = "error"
        elif not msg.startswith("END ") and "rid" in st:
            invs[st["rid"]]["lines"].append((ts, msg))
    return invs


def check():
    """Independent re-derivation of the truth from the files; raises on mismatch."""
    for sdir in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name != "expected"):
        exp = json.loads((FIXTURES / "expected" / f"{sdir.name}.json").read_text())
        groups = {}
        for f in sdir.rglob("*"):
            if f.is_file():
                g = "/" + str(f.parent.relative_to(sdir))
                groups.setdefault(g, []).extend(read_export(f))
        entries, seen, dups = [], set(), 0
        for ts, _, msg in groups.get(exp["connect_group"], []):
            e = json.loads(msg)
            key = (e["ContactId"], e["Identifier"], e["Timestamp"], e["ContactFlowModuleType"])
            if key in seen:
                dups += e["ContactFlowModuleType"] == "InvokeExternalResource"
                continue
            seen.add(key)
            entries.append(e)
        assert dups == exp["duplicates"], (sdir.name, dups)
        lam = [e for e in entries if e["ContactFlowModuleType"] == "InvokeExternalResource"]
        assert sum("ExternalResults" in e for e in lam) == exp["successful_lambda_blocks"]
        failed = [e for e in lam if "Results" in e]
        assert len(failed) == len(exp["failures"]), sdir.name
        contacts = {}
        for e in entries:
            contacts.setdefault(e["ContactId"], []).append(e)
        for cid, es in contacts.items():
            assert 10 <= len(es) <= 25, (sdir.name, cid, len(es))
        for f in exp["failures"]:
            es = sorted(contacts[f["contact_id"]], key=lambda e: e["Timestamp"])
            k = next(i for i, e in enumerate(es) if e["Identifier"] == f["block_identifier"]
                     and e["ContactFlowModuleType"] == "InvokeExternalResource" and "Results" in e)
            e = es[k]
            assert "ExternalResults" not in e
            ms = lambda s: int(datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() * 1000)
            T, L = ms(e["Timestamp"]), int(e["Parameters"]["TimeLimit"])
            nxt = ms(es[k + 1]["Timestamp"]) - T
            assert 3000 <= L <= 8000 and 10 <= nxt <= L + 60, (sdir.name, nxt)
            fn = f["function"]
            invs = parse_invocations(groups.get(f"/aws/lambda/{fn}", []))
            others = {c for c, es in contacts.items() if c != f["contact_id"] and any(
                x["ContactFlowModuleType"] == "InvokeExternalResource" for x in es)}
            cands = [r for r, i in invs.items() if T - L - 2000 <= i["arrival"] <= T + L + 2000
                     and not any(o in m for _, m in i["lines"] for o in others)]
            assert len(cands) == f["candidates"], (sdir.name, fn, cands)
            assert set(f["request_ids"]) <= set(cands)
            cls = f["class"]
            if not f["request_ids"]:
                assert cls in ("access_denied", "throttled", "unlinked"), cls
                assert cls != "access_denied" or "AccessDeniedException" in e["Results"]
                assert cls != "throttled" or "TooManyRequestsException" in e["Results"]
                assert cls == "access_denied" or not cands
                continue
            i = invs[f["request_ids"][0]]
            arr = i["arrival"] - T
            assert 20 <= arr <= 80, (sdir.name, arr)
            I, D = i["init"], i["duration"]
            custom = [ts for ts, _ in i["lines"]]
            limit_end = min(i["end"], i["arrival"] + L)
            gap = limit_end - (max(custom) if custom else i["start"])
            stall = (not i["cold"]) and gap >= 1000 and gap >= (limit_end - i["arrival"]) / 2
            if cls == "init_timeout":
                assert i["init_timeout"] and i["status"] == "timeout"
            elif cls == "misconfigured_timeout":
                assert i["status"] == "timeout" and D < L - 500 and stall
            elif cls == "function_error":
                assert all(invs[r]["status"] == "error" for r in f["request_ids"])
                assert all(invs[r]["end"] < T + L for r in f["request_ids"])
            elif cls == "cold_start":
                assert i["cold"] and 1500 <= I <= 4000 and I + D > L and D <= L
                assert i["status"] == "success"
            elif cls == "downstream_stall":
                assert stall and i["end"] - i["arrival"] > L, sdir.name
            elif cls == "slow":
                assert not i["cold"] and I + D > L and i["status"] == "success"
                pts = [i["start"]] + custom
                assert max(b - a for a, b in zip(pts, pts[1:])) < 1000
            elif cls == "unexplained":
                assert i["status"] == "success" and I + D < L - 1000
            assert ("downstream_stall" in f["contributing"]) == (
                stall and cls != "downstream_stall"), (sdir.name, cls)
            conf = ("exact" if any(f["contact_id"] in m for _, m in i["lines"])
                    else "window" if len(cands) == 1 else "ambiguous")
            assert conf == f["confidence"], (sdir.name, conf)
        print(f"check {sdir.name}: ok ({len(exp['failures'])} failures)")


README = """# Test fixtures

Generated by `python3 scripts/gen_fixtures.py` (do not edit by hand; the
script is deterministic). `python3 scripts/gen_fixtures.py --check` re-reads
the files and re-derives each `expected.json` from them.

A file's log group is its parent directory relative to the scenario folder.
File formats: `fle` = `aws logs filter-log-events --output json` (demo's Connect
file holds two concatenated pages), `ndjson` = one
`{"timestamp", "logStream", "message"[, "logGroup"]}` per line, `query` =
`aws logs get-query-results --output json`.

| scenario | failures (class) | Connect file | Lambda files |
|---|---|---|---|
"""


def write_readme(built):
    rows = []
    for sc in built:
        classes = ", ".join(f["cls"] for f in sorted(sc.failures, key=lambda f: f["T"])) or "-"
        conn = [rel.split("/")[-1] + f" ({fmt})" for rel, fmt in sc.formats
                if sc.connect_group and rel.startswith(sc.connect_group.lstrip("/"))]
        lam = [rel.split("/", 2)[2] + f" ({fmt})" for rel, fmt in sc.formats
               if rel.startswith("aws/lambda/")]
        rows.append(f"| `{sc.name}` | {classes} | {', '.join(conn) or '-'} | "
                    f"{', '.join(lam)} |")
    (FIXTURES / "README.md").write_text(README + "\n".join(rows) + "\n")


def main():
    import sys
    if sys.argv[1:] == ["--check"]:
        check()
        return
    if FIXTURES.exists():
        shutil.rmtree(FIXTURES)
    built = []
    for build in SCENARIOS:
        sc = build()
        sc.save()
        built.append(sc)
        print(f"{sc.name}: {len(sc.failures)} failures, "
              f"{sum(len(d) for _, d in sc.files)} bytes")
    write_readme(built)


if __name__ == "__main__":
    main()
