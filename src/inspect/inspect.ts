import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { errnoText, InitWeightsError } from '../errors.js';
import { q } from '../formats/reader.js';
import { readDirectory } from '../formats/directory/reader.js';
import type { InputFormat, TensorHeader, TensorSink } from '../formats/types.js';
import { ByteSource, oneLine, readError } from '../io/source.js';
import { Accumulator, type TensorSummary } from './accumulate.js';
import { DETECT_BYTES, detectReader } from './detect.js';
import { findProvenance, type Provenance } from './provenance.js';
import { DEFAULT_BINS, provenanceBlock, REPORT_SCHEMA_VERSION, tensorReport, type InspectReport, type TensorReport } from './report.js';

/** What to inspect and how. */
export interface InspectOptions {
  /** A file or directory path, or '-' for `stdin`. */
  readonly input: string;
  /** Read when input is '-'. */
  readonly stdin?: Readable;
  /** Only these tensors (all when empty or absent). */
  readonly tensors?: readonly string[];
  /** Histogram bins (default 20). */
  readonly bins?: number;
}

/** The report without its tensors: what is known before the first tensor is emitted. */
export type ReportHead = Omit<InspectReport, 'tensors' | 'skipped'> & { readonly tensorCount: number };

/** Receives the report piece by piece: the head once, then each tensor as it is read. */
export interface ReportEvents {
  begin(head: ReportHead): void;
  /** A promise makes reading wait for it (stdout draining). */
  tensor(report: TensorReport): void | Promise<void>;
}

/**
 * Statistics of tensors read side by side (an Arrow stream's columns) may hold at most this many
 * bytes per input; files are read a tensor at a time and never come near it.
 */
export const SIDE_BY_SIDE_BUDGET = 96 << 20;

interface Collected {
  header: TensorHeader;
  summary: TensorSummary;
}

/**
 * Read a weights file (any supported format, detected from its first bytes) in one streaming pass
 * and build the whole report. For many tensors use {@link inspectEach}, which holds one at a time.
 * A malformed input throws an InitWeightsError E_READ naming the input and the problem.
 */
export async function inspect(opts: InspectOptions): Promise<InspectReport> {
  let head: ReportHead | undefined;
  const tensors: TensorReport[] = [];
  const skipped = await inspectEach(opts, { begin: (h) => (head = h), tensor: (t) => void tensors.push(t) });
  const h = head!;
  return { schemaVersion: h.schemaVersion, input: h.input, format: h.format, provenance: h.provenance, tensors, skipped };
}

/**
 * Read an input and emit its report tensor by tensor. When the input's header declares its tensors
 * (safetensors, Arrow, npz and directories on disk, .npy), each report is emitted as soon as its
 * tensor is read, so memory stays constant per tensor; otherwise (a tar, whose provenance comes
 * last; a pipe; a selection of tensors) summaries wait for the end. Returns the skipped tensors.
 */
export async function inspectEach(opts: InspectOptions, events: ReportEvents): Promise<InspectReport['skipped']> {
  const name = opts.input === '-' ? 'stdin' : opts.input;
  const want = new Set(opts.tensors ?? []);
  const bins = opts.bins ?? DEFAULT_BINS;
  const pending: Collected[] = [];
  // What the input holds, for a selected tensor name that names none of it: a count and the first few names.
  const seen = { count: 0, first: [] as string[], found: new Set<string>() };
  const see = (n: string): void => {
    seen.count++;
    if (seen.first.length <= 10) seen.first.push(n);
    if (want.has(n)) seen.found.add(n);
  };
  const skipped: InspectReport['skipped'] = [];
  let provenance: Provenance | undefined;
  let format: InputFormat | undefined;
  let declared: number | undefined;
  let emitted = 0;
  let sideBySide = 0;
  const wanted = (n: string): boolean => want.size === 0 || want.has(n);
  const report = (c: Collected): TensorReport => tensorReport(c.header, c.summary, bins, provenance?.initializers.get(c.header.name));
  const begin = (count: number): void => {
    events.begin({ schemaVersion: REPORT_SCHEMA_VERSION, input: name, format: format!, provenance: provenanceBlock(provenance), tensorCount: count });
  };
  const sink: TensorSink = {
    // Readers ask once per tensor, wanted or not: that is also the list of what the input holds.
    wants(n) {
      see(n);
      return wanted(n);
    },
    tensor(header) {
      if (!wanted(header.name)) return { push: () => undefined, end: () => undefined };
      const acc = new Accumulator(header.dtype, header.bigEndian === true);
      let held = acc.bytes;
      sideBySide += held;
      return {
        push: (b) => {
          acc.push(b);
          if (acc.bytes === held) return;
          sideBySide += acc.bytes - held;
          held = acc.bytes;
          if (sideBySide > SIDE_BY_SIDE_BUDGET) throw readError(name, `tensors read side by side need more than ${SIDE_BY_SIDE_BUDGET >> 20} MiB of statistics (a pipe with many columns); save the input to a file, which is read a tensor at a time`);
        },
        end: () => {
          sideBySide -= held;
          if (acc.leftover !== 0) throw readError(name, `tensor ${q(header.name)}: data ends inside an element`);
          const c = { header, summary: acc.finish() };
          emitted++;
          if (declared === undefined) return void pending.push(c);
          else return events.tensor(report(c));
        },
      };
    },
    skipped(n, dtype, shape, reason) {
      see(n);
      if (wanted(n)) skipped.push({ name: n, dtype, shape: [...shape], reason });
    },
    metadata(value) {
      provenance ??= findProvenance(value);
    },
    count(n) {
      // Only the outermost declaration counts, and only when every tensor will be reported.
      if (declared !== undefined || format === undefined || want.size > 0 || emitted > 0) return;
      declared = n;
      begin(n);
    },
  };
  await readInput(opts, name, sink, (f) => (format = f));
  for (const w of want) {
    if (!seen.found.has(w)) {
      const list = seen.first.slice(0, 10).map(q).join(', ') + (seen.count > 10 ? ', ...' : '');
      const rule = oneLine(`${name} has no tensor ${q(w)} (it has ${seen.count === 0 ? 'none' : list})`);
      throw new InitWeightsError('E_USAGE', (field) => `${field('tensors')}: ${rule}`, { detail: { field: 'tensors', rule, value: w } });
    }
  }
  if (declared === undefined) {
    begin(pending.length);
    for (const c of pending) await events.tensor(report(c));
  } else if (emitted !== declared) {
    throw readError(name, `its header declares ${declared} tensors, ${emitted} were read`);
  }
  return skipped;
}

async function readInput(opts: InspectOptions, name: string, sink: TensorSink, detected: (f: InputFormat) => void): Promise<void> {
  if (opts.input !== '-') {
    let st;
    try {
      st = await stat(opts.input);
    } catch (err) {
      throw readError(name, errnoText(err));
    }
    if (st.isDirectory()) {
      detected('directory');
      // Members are whole inputs of their own: their header counts are not the directory's.
      const member: TensorSink = { ...sink, count: undefined };
      try {
        await readDirectory(opts.input, sink, async (path, display, tensor) => {
          await readSource(await ByteSource.file(path, display), member, tensor);
        });
      } catch (err) {
        // A file system fault while walking (EACCES on a subdirectory, ...) is an ordinary read error.
        if (err instanceof InitWeightsError || typeof (err as NodeJS.ErrnoException).code !== 'string') throw err;
        throw readError(name, errnoText(err));
      }
      return;
    }
  }
  if (opts.input === '-' && opts.stdin === undefined) throw readError(name, 'no stdin to read');
  const src = opts.input === '-' ? ByteSource.stream(opts.stdin!, name) : await ByteSource.file(opts.input, name);
  const stem = name === 'stdin' ? 'stdin' : name.replace(/^.*\//, '').replace(/\.npy$/i, '');
  await readSource(src, sink, stem, detected);
}

/** Detect the format of one source and read it (closing it); `npyName` names a lone .npy array. */
async function readSource(src: ByteSource, sink: TensorSink, npyName: string, onDetect?: (f: InputFormat) => void): Promise<Exclude<InputFormat, 'directory'>> {
  try {
    const head = await src.peek(DETECT_BYTES);
    if (head.length === 0) throw src.fail('empty input');
    const reader = detectReader(head);
    if (reader === undefined) throw src.fail('not a weights file inspect can read (.npy, .npz, safetensors, Arrow IPC, or a tar of .npy; detected from the first bytes)');
    onDetect?.(reader.input);
    await reader.read(src, sink, npyName);
    return reader.input;
  } finally {
    await src.close();
  }
}
