#!/usr/bin/env python3
"""Summarise one hyperfine --export-json file as a Markdown table (used by compare.sh).

Median with spread (min-max and the interquartile range), user and system time, and each
command's ratio to the first command of the same run: "3.1x" means the command took 3.1 times
as long as the first one (a ratio under 1 means it was faster).
"""
import json
import statistics
import sys


def fmt(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    return f"{seconds * 1000:.1f} ms"


def main(path):
    with open(path) as f:
        results = json.load(f)["results"]
    print("| command | median | min – max | IQR | user | sys | runs | × first |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    base = statistics.median(results[0]["times"])
    for r in results:
        t = sorted(r["times"])
        med = statistics.median(t)
        if len(t) >= 4:
            q = statistics.quantiles(t, n=4)
            iqr = fmt(q[2] - q[0])
        else:
            iqr = "–"
        print(
            f"| {r['command']} | {fmt(med)} | {fmt(t[0])} – {fmt(t[-1])} | {iqr} "
            f"| {fmt(r['user'])} | {fmt(r['system'])} | {len(t)} | {med / base:.2f} |"
        )


if __name__ == "__main__":
    main(sys.argv[1])
