import { formatBytes } from '../units.js';
import { shapeTuple } from '../weights-spec/shape.js';
import type { ReportHead } from './inspect.js';
import type { InspectReport, TensorReport } from './report.js';
import { oneLine } from '../io/source.js';
import { isIntegerDtype } from '../dtype/table.js';

/** Width of the longest histogram bar, in character cells. */
const BAR_WIDTH = 40;
/** Eighths of a cell, for bars that end between cells. */
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

export interface RenderOptions {
  /** ANSI colour (only on a terminal, never with NO_COLOR: the caller decides). */
  readonly color?: boolean;
}

/** A number at 4 significant digits, stable across platforms ('-' for none). */
export function num(x: number | null, digits = 4): string {
  if (x === null || Number.isNaN(x)) return '-';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e6) return plainDecimal(x.toPrecision(digits));
  return x.toExponential(digits - 1).replace(/\.?0+e/, 'e');
}

/**
 * String(Number(p)) for a toPrecision result `p` of a value in [1e-3, 1e6): its digits in fixed
 * notation, trailing fraction zeros dropped (a decimal of at most 15 digits is its double's
 * shortest form). Made from p's text: String(number) goes through V8's number-to-string cache,
 * which kept every report's numbers alive past young collections (~60 MB of old-generation
 * garbage over a 150k-tensor report).
 */
export function plainDecimal(p: string): string {
  const e = p.indexOf('e');
  if (e < 0) return p.includes('.') ? p.replace(/\.?0+$/, '') : p;
  const sign = p[0] === '-' ? '-' : '';
  const digits = p.slice(sign.length, e).replace('.', '');
  const point = Number(p.slice(e + 1)) + 1;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  const frac = digits.slice(point).replace(/0+$/, '');
  return `${sign}${digits.slice(0, point)}${frac === '' ? '' : `.${frac}`}`;
}

/**
 * A count with thousands separators, as en-US writes it (fixed so output does not depend on the
 * locale). Safe integers are grouped by hand: toLocaleString costs microseconds per call, which a
 * report of a million tensors pays several times each.
 */
export function count(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) return n.toLocaleString('en-US');
  const s = String(n);
  let out = s.slice(0, ((s.length - 1) % 3) + 1);
  for (let i = out.length; i < s.length; i += 3) out += `,${s.slice(i, i + 3)}`;
  return out;
}

/** A bar of `frac` of BAR_WIDTH cells, in eighths. */
export function bar(frac: number): string {
  const eighths = Math.round(Math.max(0, Math.min(1, frac)) * BAR_WIDTH * 8);
  return '█'.repeat(Math.floor(eighths / 8)) + EIGHTHS[eighths % 8]!;
}

function pct(p: number): string {
  return `${Number((p * 100).toPrecision(3))}%`;
}

/**
 * The plain-text report: one block per tensor, columns aligned, fixed precision. Names come from
 * the input, so their control characters are escaped before they reach a terminal.
 */
export function renderReport(report: InspectReport, opts: RenderOptions = {}): string {
  const r = textRenderer(opts);
  const { tensors, skipped, ...head } = report;
  return r.head({ ...head, tensorCount: tensors.length }) + tensors.map(r.tensor).join('') + r.end(skipped);
}

/**
 * The same text in pieces, for a report emitted tensor by tensor: `head` first, then `tensor` for
 * each, then `end`. Their concatenation is exactly `renderReport`.
 */
export function textRenderer(opts: RenderOptions = {}): { head(h: ReportHead): string; tensor(t: TensorReport): string; end(skipped: InspectReport['skipped']): string } {
  const c = opts.color === true;
  const paint: Paint = {
    bold: (s) => (c ? `\x1b[1m${s}\x1b[22m` : s),
    green: (s) => (c ? `\x1b[32m${s}\x1b[39m` : s),
    red: (s) => (c ? `\x1b[31m${s}\x1b[39m` : s),
    cyan: (s) => (c ? `\x1b[36m${s}\x1b[39m` : s),
  };
  return {
    head(h) {
      const p = h.provenance;
      let head = `${oneLine(h.input)}: ${h.format}, ${h.tensorCount} tensor${h.tensorCount === 1 ? '' : 's'}`;
      if (p !== null) head += `; made by ${p.tool}${p.toolVersion === null ? '' : ` ${oneLine(p.toolVersion)}`}${p.streamVersion === null ? '' : `, stream v${p.streamVersion}`}, seed ${oneLine(JSON.stringify(p.seed) ?? 'none')}`;
      return head;
    },
    tensor: (t) => `\n\n${tensorBlock(t, paint).join('\n')}`,
    end: (skipped) => `${skipped.map((s) => `\n\n${paint.bold(oneLine(s.name))}  ${oneLine(s.dtype)}  ${shapeTuple(s.shape)}  skipped: ${s.reason}`).join('')}\n`,
  };
}

interface Paint {
  bold(s: string): string;
  green(s: string): string;
  red(s: string): string;
  cyan(s: string): string;
}

function tensorBlock(t: TensorReport, paint: Paint): string[] {
  const lines: string[] = [];
  lines.push(`${paint.bold(oneLine(t.name))}  ${t.dtype}  ${shapeTuple(t.shape)}  ${count(t.count)} value${t.count === 1 ? '' : 's'}  ${formatBytes(t.bytes)}`);
  const row = (label: string, cells: [string, string][]): string => {
    const body = cells.map(([k, v]) => `${k.padEnd(9)}${v.padStart(11)}`).join('   ');
    return `  ${label.padEnd(11)}${body}`;
  };
  lines.push(row('non-finite', [['nan', count(t.nan)], ['+inf', count(t.posInf)], ['-inf', count(t.negInf)]]));
  lines.push(row('range', [['min', num(t.min)], ['max', num(t.max)]]));
  lines.push(row('moments', [['mean', num(t.mean)], ['std', num(t.std)]]));
  lines.push(row('', [['skewness', num(t.skewness)], ['kurtosis', num(t.excessKurtosis)]]) + '  (excess)');
  const qs = t.quantiles.map((x) => [pct(x.p), num(x.value)] as [string, string]);
  lines.push(row('quantiles', qs.slice(0, 4)));
  lines.push(row('', qs.slice(4)));
  lines.push(`  ${''.padEnd(11)}${t.quantileRelativeError === 0 ? 'exact' : `each within ${num(t.quantileRelativeError, 2)} relative of the exact sample quantile`}`);
  const h = t.histogram;
  if (h !== null && t.min !== null && t.min === t.max) {
    lines.push(`  histogram  all ${count(t.finite)} finite values are ${num(t.min)}`);
  } else if (h !== null) {
    const bins = h.counts.length;
    const width = h.hi / bins - h.lo / bins;
    lines.push(`  histogram  ${bins} bins on [${num(h.lo)}, ${num(h.hi)}]; below ${count(h.underflow)}, above ${count(h.overflow)}`);
    const peak = Math.max(1, ...h.counts);
    const labels = h.counts.map((_, i) => num(h.lo + i * width));
    const lw = Math.max(...labels.map((l) => l.length));
    const cw = Math.max(...h.counts.map((n) => count(n).length));
    h.counts.forEach((n, i) => {
      const b = bar(n / peak);
      lines.push(`    ${labels[i]!.padStart(lw)}  ${count(n).padStart(cw)} ${paint.cyan(b)}`);
    });
  }
  const f = t.fit;
  if (f.normal !== null) {
    lines.push(`  fit        normal(mean=${num(f.normal.mean)}, std=${num(f.normal.std)}): D=${num(f.normal.d, 2)}, p=${num(f.normal.pValue, 2)}`);
  } else {
    lines.push(`  fit        ${isIntegerDtype(t.dtype) ? 'no normal fit for integer values' : 'no KS distance: fewer than 2 finite values, or all equal'}`);
  }
  if (f.declared !== null) {
    const d = f.declared;
    const verdict = d.matches === null ? 'no check for this initializer' : d.matches ? paint.green('yes') : paint.red('no');
    const stats = d.d === null ? '' : `, D=${num(d.d, 2)}${d.pValue === null ? '' : `, p=${num(d.pValue, 2)}`}`;
    lines.push(`  ${''.padEnd(11)}matches ${oneLine(d.description)}: ${verdict}${stats}`);
  }
  return lines;
}
