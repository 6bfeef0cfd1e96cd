"""The result table of a JMH benchmark (hack/bench/run.sh allocator|codec) from JMH's JSON output, in
the format of BenchReport.java: figure, ours, baseline, ratio (our rate over the baseline's), target.
Usage: jmh_table.py allocator|codec RESULT.json"""
import json
import sys


def rate(result):
    m = result["primaryMetric"]
    return m["score"], m["scoreError"]


def fmt(score, error):
    error = float(error)  # "NaN" (a string) after a single iteration
    if score >= 1e6:
        return f"{score / 1e6:.1f} M ± {error / 1e6:.1f} M /s"
    return f"{score:,.0f} ± {error:,.0f} /s"


def table(kind, results):
    by = {}
    for r in results:
        name = r["benchmark"].rsplit(".", 1)[1]
        params = r.get("params", {})
        param = params.get("pool", params.get("family", ""))
        by[(name, param)] = rate(r)
    first = results[0]
    setup = (f"{first['forks']} fork, {first['warmupIterations']}x{first['warmupTime']} warm-up, "
             f"{first['measurementIterations']}x{first['measurementTime']} measurement, JMH {first['jmhVersion']}")
    if kind == "allocator":
        print("JMH, pure code: one allocate + release per operation in a pool holding 30,000 addresses with every "
              "other one freed again (the free-address search has holes to find). Baseline: a bitmap of 65,536 "
              f"addresses holding the same ones: find the first clear bit, set it, clear it ({setup}).")
        rows = [(f"allocate + release, {pool}", "allocateAndRelease", pool, "bitmapFloor", pool)
                for pool in ("10.0.0.0/16", "2001:db8::/64")]
    else:
        print("JMH, pure code: 10,000 host prefixes packed into UPDATEs (next hop and AS_PATH shared, as a new "
              "session sends them) and encoded, or those UPDATEs decoded; per prefix. Baseline (floor): copying "
              f"the encoded bytes once with System.arraycopy ({setup}).")
        rows = [(f"{what}, {family} prefixes", bench, family, "copyFloor", family)
                for family in ("IPV4", "IPV6") for what, bench in (("encode", "encode"), ("decode", "decode"))]
    print()
    print("| figure | OpenELB JVM | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    for figure, bench, param, floor, floor_param in rows:
        if (bench, param) not in by:
            continue
        ours, base = by[(bench, param)], by.get((floor, floor_param))
        baseline = fmt(*base) if base else "-"
        ratio = f"{ours[0] / base[0]:.4f}" if base else "-"
        print(f"| {figure} | {fmt(*ours)} | {baseline} | {ratio} | - |")


table(sys.argv[1], json.load(open(sys.argv[2])))
