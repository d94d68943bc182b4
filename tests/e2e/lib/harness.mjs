// Minimal test harness for the end-to-end scenarios: named checks that count passes and
// failures (a failed check never stops the rest of the scenario, so one run shows all).
export class Harness {
  constructor() { this.passed = 0; this.failed = 0; this.failures = []; this.scenario = ''; }
  begin(name) { this.scenario = name; console.log(`\n== ${name}`); }
  check(name, ok, detail = '') {
    const label = `${this.scenario}: ${name}`;
    if (ok) { this.passed++; console.log(`  ok   ${name}${detail ? '  (' + detail + ')' : ''}`); }
    else { this.failed++; this.failures.push(label); console.log(`  FAIL ${name}${detail ? '  (' + detail + ')' : ''}`); }
    return ok;
  }
  crash(err) { this.check('scenario ran to completion', false, String(err && err.stack || err)); }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls fn() until it returns a truthy value or the timeout passes; returns the value (or null).
export async function waitFor(fn, timeoutMs, intervalMs = 50) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch (e) { /* page may be navigating */ }
    if (Date.now() > end) return null;
    await sleep(intervalMs);
  }
}

// Events per second from their arrival times (ms, oldest first), e.g. wsClient's nextPoses().
export const ratePerSecond = (times) => (times.length - 1) * 1000 / (times[times.length - 1] - times[0]);

export function percentile(values, q) {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}
