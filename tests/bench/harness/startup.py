"""The exec -> /v2/ 200 row on its own (--only-startup): quick to run, and able to A/B a second edgereg binary
(--baseline) against the one under test and Distribution in the same run, starts interleaved so machine noise
falls on all of them alike."""
import os

import image
import report
import servers

MAX_STARTS = 200


def populate(binary, work, repo, tag, img):
    """Pushes the image into fresh edgereg and Distribution stores (the row measures populated stores) and
    returns {"edgereg": root, "distribution": root}."""
    roots = {n: os.path.join(work, f"startup-{n}-root") for n in ("edgereg", "distribution")}
    for n, root in roots.items():
        os.makedirs(root)
        s = servers.edgereg(binary, root, work) if n == "edgereg" else servers.distribution(root, work)
        s.start()
        try:
            image.push(s.base, repo, tag, img)
        finally:
            s.stop()
    return roots


def measure(candidates, roots, work, starts, log):
    """candidates: {label: edgereg binary}. Starts every candidate and Distribution once per round, in an order
    that rotates each round, and returns {label: [ms, ...]} with "distribution" added."""
    if not 1 <= starts <= MAX_STARTS:
        raise ValueError(f"--starts must be between 1 and {MAX_STARTS}")
    makers = {label: (lambda b=binary: servers.edgereg(b, roots["edgereg"], work)) for label, binary in candidates.items()}
    makers["distribution"] = lambda: servers.distribution(roots["distribution"], work)
    labels = list(makers)
    times = {label: [] for label in labels}
    for i in range(starts):
        order = labels[i % len(labels):] + labels[:i % len(labels)]
        for label in order:
            s = makers[label]()
            try:
                times[label].append(s.start() * 1000)
            finally:
                s.stop()
        log(f"  start round {i + 1}/{starts}: " + ", ".join(f"{n} {times[n][-1]:.1f} ms" for n in labels))
    return times


def add_rows(table, times, notes):
    """The exec -> /v2/ row for edgereg vs Distribution, plus the baseline binary (if any) as a note."""
    def cell(ts):
        return f"min {min(ts):.1f}, max {max(ts):.1f}"

    n = len(times["edgereg"])
    table.add(f"exec → /v2/ 200, ms (median of {n})",
              {k: report.median(times[k]) for k in ("edgereg", "distribution")}, digits=1,
              detail={k: cell(times[k]) for k in ("edgereg", "distribution")})
    if "baseline" in times:
        b, e = report.median(times["baseline"]), report.median(times["edgereg"])
        notes.append(f"baseline edgereg exec → /v2/ 200: median {b:.1f} ms ({cell(times['baseline'])}); "
                     f"edgereg ÷ baseline {e / b:.2f}×, interleaved in the same run")
