import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { errnoText, InitWeightsError } from '../errors.js';
import type { TensorSummary } from './accumulate.js';
import { DETECT_BYTES, detectFormat } from './detect.js';
import { findProvenance, type Provenance } from './provenance.js';
import { readArrow } from '../formats/arrow/reader.js';
import { accumulatorFor, q } from '../formats/reader.js';
import { readDirectory } from '../formats/directory/reader.js';
import { readNpy } from '../formats/npy/reader.js';
import { readNpz } from '../formats/npz/reader.js';
import { readSafetensors } from '../formats/safetensors/reader.js';
import { readTar } from '../formats/tar/reader.js';
import { DEFAULT_BINS, provenanceBlock, REPORT_SCHEMA_VERSION, tensorReport, type InspectReport } from './report.js';
import { ByteSource, oneLine, readError } from '../io/source.js';
import type { InputFormat, TensorHeader, TensorSink } from './types.js';

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

interface Collected {
  header: TensorHeader;
  summary: TensorSummary;
}

/**
 * Read a weights file (any supported format, detected from its first bytes) in one streaming pass
 * and build the report. Memory is bounded by the sketch and batch buffers, not by the file's size.
 * A malformed input throws an InitWeightsError E_READ naming the input and the problem.
 */
export async function inspect(opts: InspectOptions): Promise<InspectReport> {
  const name = opts.input === '-' ? 'stdin' : opts.input;
  const want = new Set(opts.tensors ?? []);
  const bins = opts.bins ?? DEFAULT_BINS;
  const collected: Collected[] = [];
  const seen: string[] = [];
  const skipped: InspectReport['skipped'] = [];
  let provenance: Provenance | undefined;
  const sink: TensorSink = {
    // Readers ask once per tensor, wanted or not: that is also the list of what the input holds.
    wants(n) {
      seen.push(n);
      return want.size === 0 || want.has(n);
    },
    tensor(header) {
      if (!(want.size === 0 || want.has(header.name))) return { push: () => undefined, end: () => undefined };
      const acc = accumulatorFor(header);
      return {
        push: (b) => acc.push(b),
        end: () => {
          collected.push({ header, summary: acc.finish() });
        },
      };
    },
    skipped(n, dtype, shape, reason) {
      seen.push(n);
      if (want.size === 0 || want.has(n)) skipped.push({ name: n, dtype, shape: [...shape], reason });
    },
    metadata(value) {
      provenance ??= findProvenance(value);
    },
  };
  const format = await readInput(opts, name, sink);
  for (const w of want) {
    if (!seen.includes(w)) {
      const list = seen.slice(0, 10).map(q).join(', ') + (seen.length > 10 ? ', ...' : '');
      throw new InitWeightsError('E_USAGE', oneLine(`--tensor: ${name} has no tensor ${q(w)} (it has ${seen.length === 0 ? 'none' : list})`));
    }
  }
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    input: name,
    format,
    provenance: provenanceBlock(provenance),
    tensors: collected.map((c) => tensorReport(c.header, c.summary, bins, provenance?.initializers.get(c.header.name))),
    skipped,
  };
}

async function readInput(opts: InspectOptions, name: string, sink: TensorSink): Promise<InputFormat> {
  if (opts.input !== '-') {
    let st;
    try {
      st = await stat(opts.input);
    } catch (err) {
      throw readError(name, errnoText(err));
    }
    if (st.isDirectory()) {
      try {
        await readDirectory(opts.input, sink, async (path, display, tensor) => {
          await readSource(await ByteSource.file(path, display), sink, tensor);
        });
      } catch (err) {
        // A file system fault while walking (EACCES on a subdirectory, ...) is an ordinary read error.
        if (err instanceof InitWeightsError || typeof (err as NodeJS.ErrnoException).code !== 'string') throw err;
        throw readError(name, errnoText(err));
      }
      return 'directory';
    }
  }
  if (opts.input === '-' && opts.stdin === undefined) throw readError(name, 'no stdin to read');
  const src = opts.input === '-' ? ByteSource.stream(opts.stdin!, name) : await ByteSource.file(opts.input, name);
  const stem = name === 'stdin' ? 'stdin' : name.replace(/^.*\//, '').replace(/\.npy$/i, '');
  return readSource(src, sink, stem);
}

/** Detect the format of one source and read it (closing it); `npyName` names a lone .npy array. */
async function readSource(src: ByteSource, sink: TensorSink, npyName: string): Promise<Exclude<InputFormat, 'directory'>> {
  try {
    const head = await src.peek(DETECT_BYTES);
    if (head.length === 0) throw src.fail('empty input');
    const format = detectFormat(head);
    if (format === undefined) throw src.fail('not a weights file inspect can read (.npy, .npz, safetensors, Arrow IPC, or a tar of .npy; detected from the first bytes)');
    switch (format) {
      case 'npy': {
        await readNpy(src, sink, npyName, 'array');
        if (!(await src.atEnd())) throw src.fail('data after the array');
        break;
      }
      case 'npz':
        await readNpz(src, sink);
        break;
      case 'tar':
        await readTar(src, sink);
        break;
      case 'safetensors':
        await readSafetensors(src, sink);
        break;
      case 'arrow-file':
      case 'arrow-stream':
        await readArrow(src, sink, format);
        break;
    }
    return format;
  } finally {
    await src.close();
  }
}
