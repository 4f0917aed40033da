"""What a scenario returns: pass/fail/skip with its evidence and numbers."""

import os


class Verdict:
    def __init__(self, sid, title):
        self.sid, self.title = sid, title
        self.failures, self.notes, self.measurements = [], [], {}
        self.skipped = None

    def expect(self, cond, what):
        """Records `what` as a failure unless cond; returns cond."""
        (self.notes if cond else self.failures).append(("ok: " if cond else "") + what)
        return cond

    def note(self, text):
        self.notes.append(text)

    def measure(self, key, seconds):
        self.measurements[key] = seconds

    def skip(self, why):
        self.skipped = why
        return self

    @property
    def passed(self):
        return self.skipped is None and not self.failures

    def label(self):
        return "SKIP" if self.skipped else ("PASS" if self.passed else "FAIL")

    def report(self):
        lines = [f"[{self.label()}] scenario {self.sid}: {self.title}"]
        if self.skipped:
            lines.append(f"    skipped: {self.skipped}")
        for k, v in self.measurements.items():
            lines.append(f"    {k}: {'n/a' if v is None else f'{v * 1000:.0f} ms'}")
        for n in self.notes:
            lines.append(f"    {n}")
        for f in self.failures:
            lines.append(f"    FAILED: {f}")
        return "\n".join(lines)


def env_seconds(name, default):
    """Duration knob from the environment (CI shortens the long scenarios)."""
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return float(default)
