#!/usr/bin/env python3
"""The tables of bench/watch-cost.

  watch-cost-report.py OUT N TICK INTERVAL     per round, medians and certsonar's CPU by component, from OUT/rounds.txt
                                              and OUT/round-R/{before,after}.{stat,threads}
  watch-cost-report.py --profile SAMPLES.txt  the execution samples of a JFR recording (jfr print --events
                                              jdk.ExecutionSample) by component, with the top frames of each

A thread belongs to a component by its name (COMPONENTS, first match wins); jcmd Thread.print gives the full name of
each platform thread by its Linux thread id, /proc gives only the first 15 characters (used for the threads jcmd does
not list: RocksDB's own and those started after the names were read).
"""
import collections
import re
import statistics
import sys

COMPONENTS = [
    # the scanner: its worker loop, heartbeats, its Kafka clients, the virtual threads of the probes (scan-N, and
    # the carriers that run them: ForkJoinPool-N-worker-N, which also carry the few virtual threads of the HTTP
    # servers and the notifier's channels)
    ("scanner", r"^(scanner-|scan-|certsonar-judge|ForkJoinPool-\d+-|VirtualThread-unblocker)|\| certsonar-scanner"),
    ("aggregator", r"certsonar-aggre|^console-events"),
    ("notifier", r"certsonar-notif|^certsonar-(delivery|channel|retry)-"),
    # the state stores' background flushes and compactions: the aggregator's and the notifier's, not told apart
    ("rocksdb (aggregator + notifier)", r"^rocksdb:"),
    ("broker", r"^(data-plane-kafka|kafka-\d+-|quorum-controller|controller-\d+-|broker-\d+-|group-coordinator|"
               r"share-|kafka-scheduler|ExpirationReaper|kafka-log-cleaner|transaction-log-manager|TxnMarkerSender|"
               r"AddPartitionsToTxnSender|LogDirFailureHandler|executor-|PersisterStateManager|raft-expiration-reaper|"
               r"client-metrics-reaper|ShareGroupDLQSendThread|SensorExpiryThread|metrics-meter-tick-thread|"
               r"ThrottledChannelReaper|kafka-raft|kafka-request-handler|kafka-network-thread|data-plane)"),
    ("gc", r"^(GC Thread|G1 |GC |Gang worker|ZGC|Z[A-Z]|ParGC|Shenandoah|VM Thread$|VM Periodic)"),
    ("jit", r"^C[12] CompilerThre|^Sweeper"),
]
ORDER = [name for name, _ in COMPONENTS] + ["other (named)", "not attributed"]


def component(name):
    for comp, pattern in COMPONENTS:
        if re.search(pattern, name):
            return comp
    return "other (named)"


def shape(name):
    """A thread's name with its application instance's UUID and its numbers generalised."""
    name = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID", name)
    return re.sub(r"\d+", "N", name)


def read_stat(path):
    """{tid: (comm, ticks)} from concatenated /proc/PID/task/*/stat lines, of one or several samples."""
    out = {}
    try:
        lines = open(path, errors="replace").read().splitlines()
    except OSError:
        return out
    for line in lines:
        if ")" not in line:
            continue
        tid = int(line.split(" ", 1)[0])
        comm = line[line.index("(") + 1:line.rindex(")")]
        rest = line[line.rindex(")") + 2:].split()
        ticks = int(rest[11]) + int(rest[12])
        if tid not in out or out[tid][1] <= ticks:  # of several samples, the latest (a thread's ticks only grow)
            out[tid] = (comm, ticks)
    return out


def read_names(path):
    """{tid: full name} from jcmd Thread.print (nid is the Linux thread id, decimal or hex)."""
    names = {}
    try:
        text = open(path, errors="replace").read()
    except OSError:
        return names
    for m in re.finditer(r'^"(.*)" .*?nid=(0x[0-9a-fA-F]+|\d+)', text, re.M):
        names[int(m.group(2), 0)] = m.group(1)
    return names


def by_component(rd, tick, process_ticks):
    before, after = read_stat(f"{rd}/before.stat"), read_stat(f"{rd}/during.stat")
    for tid, (comm, ticks) in read_stat(f"{rd}/after.stat").items():
        after[tid] = (comm, ticks)
    names = read_names(f"{rd}/before.threads")
    names.update(read_names(f"{rd}/after.threads"))
    cpu = collections.Counter()
    threads = collections.defaultdict(collections.Counter)
    for tid, (comm, ticks) in after.items():
        delta = ticks - before[tid][1] if tid in before else ticks
        name = names.get(tid, comm)
        comp = component(name)
        cpu[comp] += delta
        threads[comp][shape(name)] += delta
    # threads that ended after their last sample (up to 2 s each) or began and ended between two samples
    cpu["not attributed"] = max(0, process_ticks - sum(cpu.values()))
    return {k: v / tick for k, v in cpu.items()}, threads


def window_report(out, n, tick, interval):
    rows = [line.split() for line in open(f"{out}/rounds.txt") if line.strip()]
    if not rows:
        sys.exit("no round finished")
    print(f"watch-cost: {n} endpoints, interval {interval}; CPU from /proc at {tick} ticks/s")
    print(f"{'round':>5} {'window s':>8} {'side':10} {'cpu s':>7} {'completed':>9} {'failed':>7} {'ms/probe':>8} "
          f"{'rss MiB':>7} {'nginx s':>7} {'load1':>11}")
    results = []
    comps = []
    for r in rows:
        (rnd, t0, t1, cs0, cs1, p0, p1, bb0, bb1, scrapes, answered, probes_ok, ng0, ng1, cs_rss, peer_rss, l0, l1) = r
        window = float(t1) - float(t0)
        cs_cpu, peer_cpu = (int(cs1) - int(cs0)) / tick, (int(bb1) - int(bb0)) / tick
        cs_done, peer_done = int(p1) - int(p0), int(scrapes)
        cs_ms = 1000 * cs_cpu / cs_done if cs_done else float("nan")
        peer_ms = 1000 * peer_cpu / peer_done if peer_done else float("nan")
        nginx = (int(ng1) - int(ng0)) / tick
        load = f"{l0}-{l1}"
        print(f"{rnd:>5} {window:8.1f} {'certsonar':10} {cs_cpu:7.2f} {cs_done:9d} {'':>7} {cs_ms:8.2f} "
              f"{int(cs_rss) / 1024:7.0f} {nginx:7.2f} {load:>11}")
        print(f"{rnd:>5} {window:8.1f} {'peer':10} {peer_cpu:7.2f} {peer_done:9d} {peer_done - int(answered):7d} "
              f"{peer_ms:8.2f} {int(peer_rss) / 1024:7.0f} {'':>7} {'':>11}")
        ratio = cs_ms / peer_ms if peer_done and cs_done else float("nan")
        print(f"{rnd:>5} ratio certsonar/peer, CPU ms per completed probe: {ratio:.2f}   (peer: {answered} answered, "
              f"{probes_ok} probe_success; scheduled in the window: {n * window / interval_s(interval):.0f} per side)")
        results.append(dict(cs_ms=cs_ms, peer_ms=peer_ms, ratio=ratio, cs_cpu=cs_cpu, peer_cpu=peer_cpu,
                            cs_done=cs_done, peer_done=peer_done, cs_rss=int(cs_rss), peer_rss=int(peer_rss)))
        comps.append((rnd, by_component(f"{out}/round-{rnd}", tick, int(cs1) - int(cs0)), cs_done))
        down = fleet_down(f"{out}/round-{rnd}/run.log")
        if down:
            print(f"{rnd:>5} WARNING: run's zone went down {down} time(s) (a heartbeat later than fleet.downAfter: the "
                  f"machine was too busy), and each time it came back every target was probed at once: more probes than "
                  f"the schedule's, not the steady state")
    med = {k: statistics.median(x[k] for x in results) for k in results[0]}
    print()
    print(f"median over {len(results)} round(s): certsonar {med['cs_ms']:.2f} ms/probe ({med['cs_cpu']:.1f} CPU s, "
          f"{med['cs_done']:.0f} probes, RSS {med['cs_rss'] / 1024:.0f} MiB); peer {med['peer_ms']:.2f} ms/probe "
          f"({med['peer_cpu']:.1f} CPU s, {med['peer_done']:.0f} probes, RSS {med['peer_rss'] / 1024:.0f} MiB); "
          f"ratio {med['ratio']:.2f} (median of the rounds' ratios)")
    print()
    print("certsonar's CPU by component (CPU s in the window; ms per completed probe):")
    print(f"{'component':32} " + " ".join(f"{'round ' + rnd:>16}" for rnd, _, _ in comps))
    for comp in ORDER:
        cells = []
        for _, (cpu, _), done in comps:
            s = cpu.get(comp, 0.0)
            cells.append(f"{s:7.2f} {1000 * s / done if done else 0:6.3f}ms")
        print(f"{comp:32} " + " ".join(f"{c:>16}" for c in cells))
    last_rnd, (_, threads), _ = comps[-1]
    print()
    print(f"round {last_rnd}, the busiest threads of each component (CPU s; digits as N):")
    for comp in ORDER:
        top = threads.get(comp, collections.Counter()).most_common(4)
        if top:
            print(f"  {comp}: " + "; ".join(f"{name} {t / tick:.2f}" for name, t in top))


def fleet_down(log):
    try:
        return sum(1 for line in open(log, errors="replace") if "is down: no heartbeat" in line)
    except OSError:
        return 0


def interval_s(interval):
    return int(interval[:-1]) * (60 if interval.endswith("m") else 1)


def frame_component(frame):
    """The component a stack frame's code belongs to, or None for shared code (the JDK, Kafka's clients, libraries)."""
    m = re.match(r"dev\.certsonar\.(scanner|aggregator|notifier)\.", frame)
    if m:
        return m.group(1)
    if re.match(r"(kafka\.|org\.apache\.kafka\.(server|storage|raft|metadata|controller|coordinator|image)\.)", frame):
        return "broker"
    if frame.startswith("io.micrometer."):
        return "metrics (Micrometer)"
    return None


def profile_report(path):
    """Execution samples by component, with the leaf frames and the first certsonar frame of each."""
    samples = collections.Counter()
    leaf = collections.defaultdict(collections.Counter)
    ours = collections.defaultdict(collections.Counter)
    thread, frames, in_stack = None, [], False
    total = 0

    def flush():
        nonlocal total
        if thread is None:
            return
        comp = component(thread)
        if comp == "other (named)":
            # the probes' virtual threads have no name: their frames say whose work it is
            comp = next((c for f in frames for c in [frame_component(f)] if c), comp)
        total += 1
        samples[comp] += 1
        if frames:
            leaf[comp][next((f for f in frames if not f.startswith(("java.", "jdk.", "sun."))), frames[0])] += 1
            own = next((f for f in frames if f.startswith("dev.certsonar.")), None)
            ours[comp][own or "(no certsonar frame)"] += 1

    for line in open(path, errors="replace"):
        s = line.strip()
        if s.startswith("jdk.ExecutionSample"):
            flush()
            thread, frames, in_stack = None, [], False
        elif s.startswith("sampledThread = "):
            m = re.match(r'sampledThread = "(.*)" \(', s)
            thread = m.group(1) if m else s
        elif s.startswith("stackTrace = ["):
            in_stack = True
        elif in_stack and s == "]":
            in_stack = False
        elif in_stack and s and s != "...":
            frames.append(re.sub(r"\s+line:.*$", "", s))
    flush()
    print(f"{path}: {total} execution samples")
    for comp, count in samples.most_common():
        print(f"{comp}: {count} samples ({100 * count / total:.1f} %)")
        print("   top frames (first outside the JDK):   " + "; ".join(f"{f} {100 * c / count:.0f}%" for f, c in leaf[comp].most_common(6)))
        print("   first certsonar frame:                " + "; ".join(f"{f} {100 * c / count:.0f}%" for f, c in ours[comp].most_common(6)))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--profile":
        profile_report(sys.argv[2])
    elif len(sys.argv) == 5:
        window_report(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
