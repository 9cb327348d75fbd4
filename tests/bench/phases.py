#!/usr/bin/env python3
"""Where the time of one `kube-recover recover` goes, from its state directory's journals.

    phases.py [--label TEXT] [--start EPOCH_SECONDS] [--end EPOCH_SECONDS] [--wall SECONDS] STATE_DIR

The journal (journal.jsonl; local-first/journal.jsonl for stage 1 of a local-first recovery) records every step's
start and result with times. --start and --end (epoch seconds around the launch, console entry included) add the
survey before the first run and the exit after the last; --wall is the process's own elapsed time (for the title). Phases run one after the other, so each phase's span is the
time from its first step's start to its last step's result; within Verify, the wait for two kube-proxy sync
periods is shown on its own. Remote and local step times (SSH exec round trips vs local commands) come from
each step's elapsedMs.
"""
import argparse
import datetime as dt
import json
import os
import statistics
import sys


def load(path):
    records = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                r = json.loads(line)
                r["t"] = dt.datetime.fromisoformat(r["time"]).timestamp()
                records.append(r)
    return records


def spans(records):
    """(phase, first start, last result) in order of first start."""
    out = {}
    for r in records:
        if "phase" not in r or r["event"] not in ("step-start", "step-result"):
            continue
        lo, hi = out.get(r["phase"], (r["t"], r["t"]))
        out[r["phase"]] = (min(lo, r["t"]), max(hi, r["t"]))
    return sorted(((p, lo, hi) for p, (lo, hi) in out.items()), key=lambda x: x[1])


def run_bounds(records):
    start = next(r["t"] for r in records if r["event"] == "run-start")
    end = next((r["t"] for r in reversed(records) if r["event"] == "run-end"), records[-1]["t"])
    return start, end


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", default="")
    ap.add_argument("--start", type=float)
    ap.add_argument("--end", type=float)
    ap.add_argument("--wall", type=float)
    ap.add_argument("state_dir")
    a = ap.parse_args()
    main_journal = os.path.join(a.state_dir, "journal.jsonl")
    stage1_journal = os.path.join(a.state_dir, "local-first", "journal.jsonl")
    if not os.path.exists(main_journal):
        print(f"phases.py: no journal.jsonl in {a.state_dir}", file=sys.stderr)
        return 2
    with open(os.path.join(a.state_dir, "plan.json"), encoding="utf-8") as f:
        local = json.load(f).get("localNode")
    rows = []  # (label, seconds)
    journals = []
    if os.path.exists(stage1_journal):
        journals.append(("stage 1 (local node first): ", load(stage1_journal)))
    journals.append(("", load(main_journal)))
    cursor = a.start
    for prefix, records in journals:
        start, end = run_bounds(records)
        if cursor is not None:
            rows.append(("console entry + start-up + survey (connect, facts, Services)" if not rows else
                         "survey again + plan (stage 2)", start - cursor))
        for phase, lo, hi in spans(records):
            if phase == "Verify":
                waits = [r for r in records if r["event"] == "step-result" and r.get("step", "").endswith("/wait-two-sync-periods")]
                wait = sum(r.get("elapsedMs", 0) for r in waits) / 1000
                # Without a blind wait, each node's first check waits for its kube-proxy's own sync: the longest one.
                synced = [r for r in records if r["event"] == "step-result" and r.get("step", "").endswith("/kube-proxy-synced")]
                sync = max((r.get("elapsedMs", 0) for r in synced), default=0) / 1000
                if waits or not synced:
                    rows.append((f"{prefix}Verify: wait two sync periods + margin (necessary)", wait))
                    rows.append((f"{prefix}Verify: checks not overlapped by the wait", max(0.0, hi - lo - wait)))
                else:
                    rows.append((f"{prefix}Verify: until each kube-proxy synced (longest, its own signal)", sync))
                    rows.append((f"{prefix}Verify: the other checks", max(0.0, hi - lo - sync)))
            else:
                rows.append((f"{prefix}{phase}", hi - lo))
        cursor = end
    if a.end is not None:
        rows.append(("exit (report, disconnect, console exit)", a.end - cursor))
    total = sum(s for _, s in rows)
    wall = f"process wall {a.wall:.1f} s, " if a.wall is not None else ""
    title = f"== where the time goes{': ' + a.label if a.label else ''} (kube-recover recover; {wall}rows sum to {total:.1f} s)"
    print(title)
    for label, seconds in rows:
        print(f"  {label:<62} {seconds:7.1f} s  {100 * seconds / total:5.1f} %")
    # Round trips: every step's own elapsed time, local node vs the others (SSH).
    steps = [r for records in (j for _, j in journals) for r in records
             if r["event"] == "step-result" and r.get("phase") not in ("FixObject",)
             and not r.get("step", "").endswith(("/wait-two-sync-periods", "/kube-proxy-synced")) and r.get("status") in ("Done", "Skipped")]
    for where, sel in (("local", [s for s in steps if s.get("node") == local]), ("over SSH", [s for s in steps if s.get("node") != local])):
        if sel:
            ms = [s.get("elapsedMs", 0) for s in sel]
            print(f"  steps {where}: {len(sel)}, median {statistics.median(ms) / 1000:.2f} s, max {max(ms) / 1000:.2f} s "
                  f"(a step that acts: its check, then its commands and its verify's first try in one round trip; "
                  f"checks that only read: a node's next ones read in one round trip, so most of them take no time of their own)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
