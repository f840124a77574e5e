#!/usr/bin/env python3
"""Turn compare.json into compare.md (tables, ratios against herald) and compare.png (chart).

usage: report.py DIR      (reads DIR/compare.json, writes DIR/compare.md and DIR/compare.png)
The chart needs matplotlib (benches/compare/run installs it in a venv); without it only the
Markdown is written and a note says so.
"""
import json
import os
import sys

LABELS = {
    "herald-config": "herald, config",
    "herald-api-line": "herald, API 1 route/line",
    "herald-api-group": "herald, API attribute groups",
    "exabgp-config": "ExaBGP 5, config",
    "exabgp-api-group": "ExaBGP 5, API attribute groups",
    "exabgp-api-line": "ExaBGP 5, API 1 route/line",
    "gobgp-mrt": "GoBGP, mrt inject",
    "bird-static": "BIRD, static protocol",
    "frr-static": "FRR, network statements",
    "herald": "herald", "bird": "BIRD", "gobgp": "GoBGP", "frr": "FRR", "exabgp": "ExaBGP 5",
}


def fmt_t(c):
    t = c["time_s"]
    if c.get("runs") == 1:
        return f"{t['median']:.2f} s (one run)"
    return f"{t['median']:.2f} s ({t['min']:.2f}–{t['max']:.2f})"


def ratio(value, base):
    if not base:
        return "–"
    r = value / base
    return f"{r:.1f}×" if r >= 1.05 or r <= 0.95 else "1.0×"


def md(res):
    m = res["machine"]
    out = [f"# herald against other BGP speakers, {res['date']}", "",
           f"One run of `benches/compare/run` on {m['cpus']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
           f"Linux {m['kernel']}; every figure is the median of {res['runs']} runs (min–max in brackets). "
           "Versions: " + "; ".join(f"{k} {v}" for k, v in res["versions"].items() if v) + ".", "",
           "## Injection: time until BIRD holds every route", "",
           "Each injector announces the same generated table (AS paths of 1–8 hops, 0–6 communities, one "
           "attribute set per 30 prefixes) over IBGP to the same BIRD 2; time from the injector's start "
           "until BIRD holds all routes. Ratio: time against herald from its configuration.", ""]
    tables = []
    for c in res["inject"]:
        key = (c["family"], c["routes"])
        if key not in tables:
            tables.append(key)
    for fam, n in tables:
        cases = [c for c in res["inject"] if (c["family"], c["routes"]) == (fam, n)]
        base = next((c["time_s"]["median"] for c in cases if c["injector"] == "herald-config" and "time_s" in c), None)
        sets = cases[0].get("attribute_sets", "?")
        out += [f"### {n:,} {'IPv4 /24' if fam == 'ipv4' else 'IPv6 /48'} routes ({sets:,} attribute sets)", "",
                "| injector | time | vs herald | routes/s | injector CPU | injector peak RSS | BIRD CPU |",
                "|---|---|---|---|---|---|---|"]
        for c in cases:
            name = LABELS.get(c["injector"], c["injector"])
            if "time_s" in c:
                out.append(f"| {name} | {fmt_t(c)} | {ratio(c['time_s']['median'], base)} | "
                           f"{c['routes_per_s']:,.0f} | {c['injector_cpu_s']['median']:.2f} s | "
                           f"{c['injector_rss_mib']['median']:.0f} MiB | {c['receiver_cpu_s']['median']:.2f} s |")
            elif "skipped" in c:
                proj = n / c["routes_per_s"]
                out.append(f"| {name} | skipped: {c['skipped']} | ~{ratio(proj, base)} | "
                           f"~{c['routes_per_s']:,.0f} (from {c['rate_from']:,}) | | | |")
            else:
                out.append(f"| {name} | failed: {c.get('error', '?')} | | | | | |")
        out.append("")
    if res["receive"]:
        base = next((c["time_s"]["median"] for c in res["receive"] if c["receiver"] == "herald" and "time_s" in c), None)
        n = res["receive"][0]["routes"]
        out += ["## Receiving: the same pre-encoded UPDATEs from a raw feeder", "",
                f"A feeder writes {n:,} IPv4 routes as pre-built UPDATEs (one per attribute set) as fast as the "
                "receiver reads; time from its connect until the receiver holds every route (herald and BIRD: "
                "Adj-RIB-In/table count; GoBGP: accepted; FRR: pfxRcd; ExaBGP: prefixes in its JSON events, "
                "counted by a helper process). Bytes per route: resident memory after minus before, divided by "
                "the routes.", "",
                "| receiver | time | vs herald | routes/s | receiver CPU | peak RSS | bytes/route |",
                "|---|---|---|---|---|---|---|"]
        for c in res["receive"]:
            name = LABELS.get(c["receiver"], c["receiver"])
            if "time_s" in c:
                out.append(f"| {name} | {fmt_t(c)} | {ratio(c['time_s']['median'], base)} | "
                           f"{c['routes_per_s']:,.0f} | {c['receiver_cpu_s']['median']:.2f} s | "
                           f"{c['receiver_rss_mib']['median']:.0f} MiB | {c['bytes_per_route']['median']:.0f} |")
            else:
                out.append(f"| {name} | failed or skipped: {c.get('error', '?')} | | | | | |")
        out.append("")
    out += floor_lines(res)
    if res.get("notes"):
        out += ["## Notes on this run", ""] + [f"- {n}" for n in res["notes"]] + [""]
    return "\n".join(out)


def floor_lines(res):
    """herald from its configuration against the receiver's limit: the raw feeder into BIRD."""
    floor = next((c for c in res["receive"] if c["receiver"] == "bird" and "time_s" in c), None)
    if not floor:
        return []
    n = floor["routes"]
    mine = next((c for c in res["inject"] if c["injector"] == "herald-config" and c["family"] == "ipv4"
                 and c["routes"] == n and "time_s" in c), None)
    if not mine:
        return []
    f, h = floor["time_s"]["median"], mine["time_s"]["median"]
    out = ["## herald against the receiver's limit", "",
           f"The raw feeder puts {n:,} routes into BIRD in {f:.2f} s: no injector can beat that. herald, "
           f"from its configuration (process start, reading and checking the file, connecting, sending), "
           f"takes {h:.2f} s, {h / f:.2f}× that floor (medians of the runs above, measured minutes apart).", ""]
    pairs = res.get("floor") or {}
    if pairs.get("pairs"):
        r = pairs["ratio"]
        out += [f"Measured back to back, {len(pairs['pairs'])} pairs (the feeder, then herald, each pair on "
                f"the same machine within seconds): herald takes {r['median']:.2f}× the floor "
                f"(median of the pairs' ratios; {r['min']:.2f}–{r['max']:.2f}×), feeder "
                f"{pairs['feeder_s']['median']:.2f} s and herald {pairs['herald_s']['median']:.2f} s.", "",
                "| pair | feeder | herald | ratio |", "|---|---|---|---|"]
        out += [f"| {i + 1} | {p['feeder_s']:.2f} s | {p['herald_s']:.2f} s | {p['ratio']:.2f}× |"
                for i, p in enumerate(pairs["pairs"])]
        out.append("")
    return out


def chart(res, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    big = max((c["routes"] for c in res["inject"] if c["family"] == "ipv4"), default=0)
    inj = [c for c in res["inject"] if c["family"] == "ipv4" and c["routes"] == big]
    rcv = res["receive"]
    fig, axes = plt.subplots(1, 2 if rcv else 1, figsize=(13 if rcv else 7, 5.2), squeeze=False)
    m = res["machine"]
    fig.suptitle(f"Time to move {big:,} IPv4 routes, {res['date']}, {m['cpus']} cores, {m['memory_gib']} GiB "
                 f"(median of {res['runs']}, bars min–max; lower is better)", fontsize=11)

    def panel(ax, cases, key, title):
        names, vals, lo, hi, colors, notes = [], [], [], [], [], []
        for c in cases:
            names.append(LABELS.get(c[key], c[key]))
            if "time_s" in c:
                t = c["time_s"]
                vals.append(t["median"]); lo.append(t["median"] - t["min"]); hi.append(t["max"] - t["median"])
                colors.append("#1f6f4a" if c[key].startswith("herald") else "#8a8f98"); notes.append("")
            elif "skipped" in c:
                vals.append(c["routes"] / c["routes_per_s"]); lo.append(0); hi.append(0)
                colors.append("#d9dce1"); notes.append("projected")
            else:
                vals.append(0); lo.append(0); hi.append(0); colors.append("#ffffff"); notes.append("failed")
        y = range(len(names))
        ax.barh(list(y), vals, xerr=[lo, hi], color=colors, edgecolor="#444", capsize=3)
        ax.set_yticks(list(y)); ax.set_yticklabels(names, fontsize=9); ax.invert_yaxis()
        ax.set_xscale("log"); ax.set_xlabel("seconds (log scale)"); ax.set_title(title, fontsize=10)
        positive = [v for v in vals if v > 0] or [1]
        left = min(positive) / 4
        for i, (v, note, h) in enumerate(zip(vals, notes, hi)):
            if v > 0:
                ax.text((v + h) * 1.15, i, f"{v:.2f} s {note}".strip(), va="center", fontsize=8)
            else:
                ax.text(left * 1.2, i, "did not finish (see the table)" if note == "failed" else note,
                        va="center", fontsize=8, style="italic")
        ax.set_xlim(left=left, right=max(positive) * 8)

    panel(axes[0][0], inj, "injector", "Injection into BIRD 2 (from start to all routes held)")
    if rcv:
        panel(axes[0][1], rcv, "receiver", "Receiving from a raw feeder (connect to all routes held)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    d = sys.argv[1]
    with open(os.path.join(d, "compare.json")) as f:
        res = json.load(f)
    text = md(res)
    try:
        chart(res, os.path.join(d, "compare.png"))
        text += "\n![chart](compare.png)\n"
    except ImportError:
        text += "\n(no chart: matplotlib is not installed)\n"
    with open(os.path.join(d, "compare.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
