"""Issue 12's targets for a rehydration of small objects, judged on one scale row's figures: the verdict rows printed
under the scale table.

- rate ≥ 0.8 × min(the layout probe's rate, the CPU bound), where the CPU bound is the machine's cores ÷ (A's + B's
  CPU per object): on the benchmark's machine both nodes share those cores, so a rehydration cannot beat it whatever
  the disk does, and the disk's own limit is the layout-equivalent probe measured in the same run (layoutprobe.py);
- B's CPU per object ≤ 0.8 ms; B's syscalls per object ≤ 100 (inside the perf window); A's CPU per object ≤ 0.25 ms.
"""
import os

RATE_SHARE = 0.8
B_CPU_MS = 0.8
B_SYSCALLS = 100
A_CPU_MS = 0.25


def _word(ok):
    return "—" if ok is None else ("met" if ok else "not met")


def verdicts(f, cores=None):
    """[(target, ok or None, figures)] for one size's figures (scale.run_size's dict)."""
    cores = cores or os.cpu_count()
    out = []
    cpu_ms = f["a_cpu_ms"] + f["b_cpu_ms"]
    cpu_bound = cores * 1000 / cpu_ms if cpu_ms > 0 else float("inf")
    probe = f["layout"]["rate"]
    goal = RATE_SHARE * min(probe, cpu_bound)
    limit = "layout probe" if probe <= cpu_bound else "CPU bound"
    out.append((f"rehydration rate ≥ {RATE_SHARE} × min(layout probe, {cores} cores ÷ (A + B CPU per object))",
                f["rate"] >= goal,
                f"{f['rate']:.0f}/s vs {RATE_SHARE} × min({probe:.0f}, {cpu_bound:.0f}) = {goal:.0f}/s "
                f"({f['rate'] / min(probe, cpu_bound):.2f}× the {limit})"))
    out.append((f"B CPU per object ≤ {B_CPU_MS} ms", f["b_cpu_ms"] <= B_CPU_MS, f"{f['b_cpu_ms']:.2f} ms"))
    calls, objects = f.get("b_syscalls"), f.get("window", {}).get("objects")
    if calls and objects:
        per = calls["all"] / objects
        out.append((f"B syscalls per object ≤ {B_SYSCALLS}", per <= B_SYSCALLS, f"{per:.1f}"))
    else:
        out.append((f"B syscalls per object ≤ {B_SYSCALLS}", None, "not measured (perf missing or no window)"))
    out.append((f"A CPU per object ≤ {A_CPU_MS} ms", f["a_cpu_ms"] <= A_CPU_MS, f"{f['a_cpu_ms']:.2f} ms"))
    return out


def render(sizes):
    """The verdict table, one column per size (the scale table's order)."""
    per_size = [verdicts(f) for f in sizes]
    lines = ["| target (issue 12) | " + " | ".join(f"{f['objects']:,} objects" for f in sizes) + " |",
             "|---" * (len(sizes) + 1) + "|"]
    for i, (label, _, _) in enumerate(per_size[0]):
        lines.append(f"| {label} | " + " | ".join(f"**{_word(v[i][1])}**: {v[i][2]}" for v in per_size) + " |")
    return "\n".join(lines)

