/** The shape of bench/results.json and the one table `npm run bench` prints (ours, the floor, the ratio, target). */
import os from 'node:os';

interface Latency {
  p50: number;
  p95: number;
}
interface Throughput {
  perSecond: number;
  p50: number;
  p99: number;
}

export interface Results {
  at: string;
  commit: string;
  engine: string;
  node: string;
  zoomLatencyMs: number;
  logLevel: string;
  sequential: { count: number; ours: Latency; floor: Latency; cpuMsPerBooking: number; floorCpuMsPerCall: number };
  roundTrips: {
    request: { perBooking: number; byCommand: Record<string, number> };
    after: { perBooking: number; byCommand: Record<string, number> };
    idlePerSecond: number;
  };
  idleCpuMsPerSecond: number;
  /** 1-minute load average at the end: CPU figures are only comparable between runs on a similarly loaded machine. */
  machineLoad: number;
  load: Array<{
    connections: number;
    ours: Throughput;
    floor: Throughput;
    cpuMsPerBooking: number;
    floorCpuMsPerCall: number;
  }>;
  /** Peak RSS while booking (after sign-up; the peak was reset then). */
  peakRssMiB: number;
  /** Peak RSS through start-up and sign-up (argon2id takes 64 MiB per hash). */
  setupPeakRssMiB: number;
  floorPeakRssMiB: number;
  storm: { grants: number; bookings: number; failures: number; tokenCalls: number; tokenRefusals: number; p99: number };
}

const f1 = (n: number) => n.toFixed(1);
const f2 = (n: number) => n.toFixed(2);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

export function renderTable(r: Results): string {
  const rows: string[][] = [];
  const row = (...cells: string[]) => rows.push(cells);
  const { sequential: s, roundTrips: rt } = r;
  row('what', 'ours', 'floor', 'ratio', 'target');
  row(
    'p50, one at a time (ms)',
    f1(s.ours.p50),
    f1(s.floor.p50),
    ratio(s.ours.p50, s.floor.p50),
    `≤ 1.25× ${verdict(s.ours.p50 <= 1.25 * s.floor.p50)}`,
  );
  row('p95, one at a time (ms)', f1(s.ours.p95), f1(s.floor.p95), ratio(s.ours.p95, s.floor.p95), '');
  for (const l of r.load) {
    row(
      `bookings/s, ${l.connections} connections`,
      f1(l.ours.perSecond),
      f1(l.floor.perSecond),
      ratio(l.ours.perSecond, l.floor.perSecond),
      '',
    );
    row(
      `p50 / p99, ${l.connections} connections (ms)`,
      `${f1(l.ours.p50)} / ${f1(l.ours.p99)}`,
      `${f1(l.floor.p50)} / ${f1(l.floor.p99)}`,
      `${ratio(l.ours.p50, l.floor.p50)} / ${ratio(l.ours.p99, l.floor.p99)}`,
      '',
    );
  }
  row(
    'MongoDB round trips in the request',
    f2(rt.request.perBooking),
    '0',
    '',
    `≤ 10 ${verdict(rt.request.perBooking <= 10)}`,
  );
  for (const [name, count] of Object.entries(rt.request.byCommand)) row(`  ${name}`, f2(count), '', '', '');
  row(
    'MongoDB round trips after the response',
    f2(rt.after.perBooking),
    '0',
    '',
    `≤ 6 ${verdict(rt.after.perBooking <= 6)}`,
  );
  for (const [name, count] of Object.entries(rt.after.byCommand)) row(`  ${name}`, f2(count), '', '', '');
  row(
    'server CPU per booking, one at a time (ms)',
    f2(s.cpuMsPerBooking),
    f2(s.floorCpuMsPerCall),
    ratio(s.cpuMsPerBooking, s.floorCpuMsPerCall),
    `≤ 5 ${verdict(s.cpuMsPerBooking <= 5)}`,
  );
  for (const l of r.load)
    row(
      `server CPU per booking, ${l.connections} connections (ms)`,
      f2(l.cpuMsPerBooking),
      f2(l.floorCpuMsPerCall),
      ratio(l.cpuMsPerBooking, l.floorCpuMsPerCall),
      '',
    );
  row(
    'peak RSS while booking (MiB)',
    f1(r.peakRssMiB),
    f1(r.floorPeakRssMiB),
    '',
    `≤ 150 ${verdict(r.peakRssMiB <= 150)}`,
  );
  row('peak RSS through start-up and sign-up (MiB)', f1(r.setupPeakRssMiB), '', '', '');
  const st = r.storm;
  row(
    `expiry storm: token calls for ${st.grants} grants`,
    String(st.tokenCalls),
    '',
    '',
    `= ${st.grants} ${verdict(st.tokenCalls === st.grants)}`,
  );
  row(
    'expiry storm: invalid_grant (token endpoint 4xx)',
    String(st.tokenRefusals),
    '',
    '',
    `0 ${verdict(st.tokenRefusals === 0)}`,
  );
  row(`expiry storm: p99 of ${st.bookings} bookings (ms), failures`, `${f1(st.p99)}, ${st.failures}`, '', '', '');

  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    `MongoDB engine: ${r.engine}; node ${r.node}; Zoom sandbox latency ${r.zoomLatencyMs} ms; server LOG_LEVEL ${r.logLevel}; commit ${r.commit}`,
    line(rows[0]!),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.slice(1).map(line),
    `Idle (job polling, left out above): ${f1(r.roundTrips.idlePerSecond)} round trips/s, ${f2(r.idleCpuMsPerSecond)} ms CPU/s.`,
    `Load average at the end: ${r.machineLoad.toFixed(2)} on ${os.cpus().length} CPUs (CPU times grow on a busy machine).`,
  ].join('\n');
}
