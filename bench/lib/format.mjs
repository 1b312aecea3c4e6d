// Statistics and formatting of the bench report: units, spreads, ratios, rates, the table.

export const MiB = 1024 * 1024;

/** Tools a case can run, by the key its commands use; the label heads the table's columns. */
export const TOOLS = {
  'init-weights': { label: 'init-weights' },
  numpy: { label: 'numpy' },
  torch: { label: 'torch' },
  zeros: { label: 'write limit (zeros)' },
  node: { label: 'node -e 0' },
};
// Statistics and formatting.

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const range = (xs) => [Math.min(...xs), Math.max(...xs)];

/** A unit for a value: [divisor, suffix, decimals]. Ranges reuse the median's unit. */
export function timeUnit(s) { return s < 1 ? [1e-3, 'ms', 0] : [1, 's', 2]; }
export function byteUnit(b) { return b >= 10 * 1024 * MiB ? [1024 * MiB, 'GiB', 0] : b >= 1024 * MiB ? [1024 * MiB, 'GiB', 2] : [MiB, 'MiB', 0]; }
function inUnit(x, [div, , dec]) { return (x / div).toFixed(dec); }
export function fmtTime(s) { const u = timeUnit(s); return `${inUnit(s, u)} ${u[1]}`; }
export function fmtBytes(b) { const u = byteUnit(b); return `${inUnit(b, u)} ${u[1]}`; }
export function fmtCount(n) {
  if (n === 0) return '0';
  const exp = Math.log10(n);
  if (Number.isInteger(exp)) return n >= 1e9 ? `${n / 1e9}G (1e${exp})` : n >= 1e6 ? `${n / 1e6}M` : String(n);
  return n.toLocaleString('en-US');
}
/** "median (min–max) unit" of a list; a single sample prints alone. */
function spread(xs, unitOf) {
  if (xs.length === 0) return '—';
  const m = median(xs);
  const u = unitOf(m);
  if (xs.length === 1) return `${inUnit(m, u)} ${u[1]}`;
  const [lo, hi] = range(xs);
  return `${inUnit(m, u)} ${u[1]} (${inUnit(lo, u)}–${inUnit(hi, u)})`;
}

function ratioCell(r) {
  if (!r.ratio) return '—';
  const [num, den] = r.ratio;
  const a = r.samples[num], b = r.samples[den];
  if (!a?.length || !b?.length) return '—';
  const pairs = a.map((s, i) => s.wall / b[i].wall);
  const med = median(a.map((s) => s.wall)) / median(b.map((s) => s.wall));
  const [lo, hi] = range(pairs);
  return pairs.length === 1 ? `**${med.toFixed(2)}×**` : `**${med.toFixed(2)}×** (${lo.toFixed(2)}–${hi.toFixed(2)})`;
}

function rateCell(r, tool) {
  const s = r.samples[tool];
  if (!s?.length || !r.values) return '—';
  const rate = r.values / median(s.map((x) => x.wall)) / 1e6;
  return `${rate.toFixed(rate < 10 ? 1 : 0)} M/s`;
}

/** Zeros' time over init-weights' time for the same bytes: 1.00 would be generation for free. */
function writeLimitCell(r) {
  const z = r.samples.zeros, w = r.samples['init-weights'];
  if (!z?.length || !w?.length) return '—';
  return (median(z.map((s) => s.wall)) / median(w.map((s) => s.wall))).toFixed(2);
}

export function table(results, tools) {
  const head = ['Case', 'Values'];
  for (const t of tools) head.push(`${TOOLS[t].label} time`);
  head.push('peer / init-weights');
  for (const t of tools) head.push(`${TOOLS[t].label} peak RSS`);
  head.push('init-weights rate', 'peer rate', 'write limit / init-weights');
  const rows = results.map((r) => {
    const row = [r.title, fmtCount(r.values)];
    for (const t of tools) row.push(spread((r.samples[t] ?? []).map((s) => s.wall), timeUnit));
    row.push(ratioCell(r));
    for (const t of tools) row.push(spread((r.samples[t] ?? []).map((s) => s.rss), byteUnit));
    row.push(rateCell(r, 'init-weights'), r.ratio ? rateCell(r, r.ratio[0]) : '—', writeLimitCell(r));
    return row;
  });
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
