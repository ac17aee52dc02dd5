"""Renders the collected figures as one markdown table with ratios edgereg ÷ Distribution and edgereg ÷ nginx."""
import statistics

TARGETS = ("edgereg", "distribution", "nginx")


def _fmt(v, digits):
    if v is None:
        return "—"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"


def _ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}×"


class Table:
    def __init__(self):
        self.rows = []

    def add(self, label, values, digits=0, detail=None, ratios=True):
        """values: {target: number or None}; detail: {target: text appended in the cell (e.g. latencies)}."""
        cells = []
        for t in TARGETS:
            text = _fmt(values.get(t), digits)
            if detail and detail.get(t):
                text += f" ({detail[t]})"
            cells.append(text)
        e = values.get("edgereg")
        r1 = _ratio(e, values.get("distribution")) if ratios else "—"
        r2 = _ratio(e, values.get("nginx")) if ratios else "—"
        self.rows.append(f"| {label} | " + " | ".join(cells) + f" | {r1} | {r2} |")

    def render(self):
        head = ["| row | edgereg | Distribution 2.8.2 | nginx (sendfile) | edgereg ÷ Distribution | edgereg ÷ nginx |",
                "|---|---|---|---|---|---|"]
        return "\n".join(head + self.rows)


def median(xs):
    return statistics.median(xs) if xs else None
