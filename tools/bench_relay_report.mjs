// Prints the table of tools/bench_relay.sh from its results (one JSON line per run:
// {load, relay, uptime, result | error}; result as posemeet-relay-load prints it) with the
// ratios ours/baseline. Usage: node tools/bench_relay_report.mjs results.jsonl
import { readFileSync } from 'node:fs';

const runs = readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const fixed = (v, digits) => (typeof v === 'number' && v >= 0 ? v.toFixed(digits) : '-');
// The generator's histogram ends at 5 s: its last bucket holds everything later.
const latency = (v) => (v >= 5000 ? '>=5000' : fixed(v, 2));
const row = (cells) => console.log(cells.map((c, i) => String(c).padStart(i < 2 ? 9 : 11)).join(' '));
const ratio = (a, b) => (a > 0 && b > 0 ? (a / b).toFixed(2) + 'x' : '-');

console.log('deliv/s: packets received per second (sent in the window); delivered: of those owed; CPU-s/M: the\n' +
  'relay\'s CPU-seconds per million deliveries; relay CPU / gen CPU: % of one core for the relay and the\n' +
  'load generator (the generator far from 100 % = not the bottleneck); all busy: both cores, everyone\'s\n' +
  '(near 100 % = the machine was saturated and every process waited for a core)\n');
const loadRuns = runs.filter((r) => r.error || r.result.server_bytes_per_connection === undefined);
row(['load', 'relay', 'deliv/s', 'delivered', 'CPU-s/M', 'relay CPU', 'p50 ms', 'p99 ms', 'RSS MB', 'gen CPU', 'all busy']);
for (const r of loadRuns) {
  if (r.error) { console.log(`${r.load.padStart(9)} ${r.relay.padStart(9)}  failed: ${r.error}`); continue; }
  const x = r.result;
  row([r.load, r.relay, fixed(x.deliveries_per_s, 0), fixed(100 * x.delivered_of_expected, 1) + ' %',
    fixed(x.server_cpu_s_per_million, 2), fixed(x.server_cpu_pct, 0) + ' %', latency(x.latency_ms_p50),
    latency(x.latency_ms_p99), fixed(x.server_rss_kib / 1024, 1), fixed(x.generator_cpu_pct, 0) + ' %',
    fixed(x.machine_busy_pct, 0) + ' %']);
}
const hasBaseline = loadRuns.some((r) => r.relay === 'baseline');
if (hasBaseline) console.log('\nours/baseline (CPU-s/M below 1 = ours cheaper; deliv/s above 1 = ours delivered more):');
// Ours may have run more than once (ours-1t, ours-2t: --threads): each against the baseline.
const oursNames = [...new Set(loadRuns.map((r) => r.relay).filter((w) => w.startsWith('ours')))];
for (const load of hasBaseline ? [...new Set(loadRuns.map((r) => r.load))] : []) {
  const base = loadRuns.find((r) => r.load === load && r.relay === 'baseline')?.result;
  for (const name of oursNames) {
    const ours = loadRuns.find((r) => r.load === load && r.relay === name)?.result;
    const label = oursNames.length > 1 ? `${load} ${name}` : load;
    if (!ours || !base) { console.log(`  ${label}: one side failed`); continue; }
    console.log(`  ${label}: deliv/s ${ratio(ours.deliveries_per_s, base.deliveries_per_s)}, CPU-s/M ` +
      `${ratio(ours.server_cpu_s_per_million, base.server_cpu_s_per_million)}, p50 ${ratio(ours.latency_ms_p50, base.latency_ms_p50)}, ` +
      `p99 ${ratio(ours.latency_ms_p99, base.latency_ms_p99)}, RSS ${ratio(ours.server_rss_kib, base.server_rss_kib)}`);
  }
}
const idle = runs.filter((r) => !r.error && r.result.server_bytes_per_connection !== undefined);
if (idle.length) console.log('\nmemory per idle joined connection:');
for (const r of idle) {
  const x = r.result;
  const further = x.server_bytes_per_further_connection === undefined ? ''
    : `; after the first ${x.idle_warmup} (RSS ${fixed(x.server_rss_warm_kib / 1024, 1)} MB then): ` +
      `${fixed(x.server_bytes_per_further_connection / 1024, 1)} KB each further one`;
  console.log(`  ${r.relay.padEnd(9)} ${x.connections} connections: RSS ${fixed(x.server_rss_before_kib / 1024, 1)} -> ` +
    `${fixed(x.server_rss_joined_kib / 1024, 1)} MB, ${fixed(x.server_bytes_per_connection / 1024, 1)} KB each${further}` +
    (x.server_anon_bytes_per_connection === undefined ? '' :
      `; heap and stacks alone (RssAnon, from the first): ${fixed(x.server_anon_bytes_per_connection / 1024, 1)} KB each`));
}

// --scaling: one media thread at a load, two at twice the load, one at twice the load; each
// thread held to the same share of a core.
const byRole = (role) => runs.find((r) => r.role === role && !r.error)?.result;
const [one, two, oneAtTwice] = ['one', 'two', 'one-at-twice'].map(byRole);
const split = runs.find((r) => r.role === 'two')?.messages_written_per_thread;
if (one && two) {
  console.log('\nscaling (each media thread held to the same share of a core):');
  console.log(`  2 threads at twice the load vs 1 thread: deliv/s ${ratio(two.deliveries_per_s, one.deliveries_per_s)} ` +
    `(${fixed(100 * two.delivered_of_expected, 1)} % vs ${fixed(100 * one.delivered_of_expected, 1)} % delivered), ` +
    `relay CPU ${ratio(two.server_cpu_pct, one.server_cpu_pct)}, CPU-s/M ${fixed(two.server_cpu_s_per_million, 2)} vs ` +
    `${fixed(one.server_cpu_s_per_million, 2)}, p50 ${latency(two.latency_ms_p50)} vs ${latency(one.latency_ms_p50)} ms, ` +
    `p99 ${latency(two.latency_ms_p99)} vs ${latency(one.latency_ms_p99)} ms` +
    (split?.length > 1 ? `; the two threads wrote ${split.map((n) => fixed(100 * n / split.reduce((a, b) => a + b, 0), 0) + ' %').join(' / ')} of the messages` : ''));
  if (oneAtTwice) {
    console.log(`  1 thread at twice the load: ${fixed(100 * oneAtTwice.delivered_of_expected, 1)} % delivered, ` +
      `p50 ${latency(oneAtTwice.latency_ms_p50)} ms, p99 ${latency(oneAtTwice.latency_ms_p99)} ms ` +
      '(what the second core is for)');
  }
}

console.log('\nmachine load during the runs: ' + runs.map((r) => `${r.load} ${r.relay}: ${r.uptime ?? '-'}`).join('; '));
