import { InitWeightsError } from '../errors.js';
import { readDirectory, type DirectoryManifest } from '../formats/directory/reader.js';
import { kindOf } from '../generate/target.js';
import { STREAM_VERSION } from '../rng/stream.js';
import { TOOL_VERSION } from '../version.js';
import { resolveSpec } from '../weights-spec/parse.js';
import type { WeightsSpec } from '../weights-spec/types.js';
import type { TensorSink } from '../formats/types.js';
import { readRecorded, recordedIn, refuseVerify, type Recorded } from './provenance.js';
import { narrowToShard } from './shard-file.js';
import { comparingSink, expectedChunks, readFileInto, type TensorOutcome } from './tensors.js';

/*
 * `verify PATH`: regenerate from the provenance a file carries and compare, tensor by tensor,
 * streaming. Refuses (exit 2) what it cannot regenerate: no provenance, no spec, another stream
 * version.
 */

export interface VerifyResult {
  readonly path: string;
  readonly seed: unknown;
  readonly streamVersion: number;
  /** The compat mode the file was drawn in (spec field `compat`), if any. */
  readonly compat?: string;
  /** The tool version that wrote the file, as recorded. */
  readonly toolVersion: string | undefined;
  /** Every tensor the file holds or the recorded spec lists, in the file's order. */
  readonly tensors: readonly TensorOutcome[];
  readonly ok: boolean;
}

/** Verify a file or directory that init-weights wrote against its own recorded spec. */
export async function verify(path: string): Promise<VerifyResult> {
  const shown = path.replace(/\/+$/, '') || path;
  const isDir = (await kindOf(shown)) === 'directory';
  const once = isDir ? undefined : await verifyInOnePass(shown);
  if (once !== undefined && 'resolved' in once) return result(shown, once.resolved, await narrowToShard(shown, once.outcomes()));
  const resolved = await recordedSpec(shown, once?.seen);
  const { spec, manifest } = resolved;
  const { sink, outcomes } = comparingSink(spec.tensors, expectedChunks(spec));
  if (isDir) {
    await readDirectory(shown, sink, (file, display, tensor) => readFileInto(file, display, sink, tensor), manifest);
  } else {
    await readFileInto(shown, shown, sink, spec.tensors.length === 1 ? spec.tensors[0]!.name : 'array');
  }
  return result(shown, resolved, isDir ? outcomes() : await narrowToShard(shown, outcomes()));
}

function result(path: string, { spec, streamVersion, toolVersion }: Resolved, tensors: TensorOutcome[]): VerifyResult {
  return { path, seed: spec.seed, streamVersion, ...(spec.compat !== undefined ? { compat: spec.compat } : {}), toolVersion, tensors, ok: tensors.every((t) => t.status === 'match') };
}

/**
 * A file whose provenance comes before its tensors (safetensors, Arrow: in the header) is read
 * once: the spec is resolved when the metadata arrives and each tensor compared as it follows.
 * Read twice, a header of 100k tensors and the spec in it were parsed twice (~40 MB more at the
 * peak). When a tensor comes first or none carries provenance (npy, npz, keras), those tensors are
 * skipped unread and the metadata values seen come back (`seen`): that pass was the metadata read,
 * and the file is read once more, to compare.
 */
async function verifyInOnePass(shown: string): Promise<{ resolved: Resolved; outcomes: () => TensorOutcome[] } | { seen: unknown[] }> {
  let resolved: Resolved | undefined;
  let compare: ReturnType<typeof comparingSink> | undefined;
  let tooLate = false;
  const seen: unknown[] = [];
  const ignore = { push: () => undefined, end: () => undefined };
  const sink: TensorSink = {
    wants(name) {
      if (compare !== undefined) return compare.sink.wants(name);
      tooLate = true;
      return false;
    },
    tensor: (header) => compare?.sink.tensor(header) ?? ((tooLate = true), ignore),
    skipped(name, dtype, shape, reason) {
      if (compare !== undefined) compare.sink.skipped?.(name, dtype, shape, reason);
      else tooLate = true;
    },
    metadata(value) {
      if (compare !== undefined) return;
      const rec = tooLate ? undefined : recordedIn(value);
      if (rec === undefined) {
        seen.push(value);
        return;
      }
      seen.length = 0;
      resolved = resolveRecorded(shown, rec);
      compare = comparingSink(resolved.spec.tensors, expectedChunks(resolved.spec));
    },
  };
  await readFileInto(shown, shown, sink, 'array');
  return resolved !== undefined && compare !== undefined && !tooLate ? { resolved, outcomes: compare.outcomes } : { seen };
}

/** A recorded spec, resolved, with the versions that wrote it (and a directory's file list). */
interface Resolved {
  readonly spec: WeightsSpec;
  readonly streamVersion: number;
  readonly toolVersion: string | undefined;
  readonly manifest: DirectoryManifest | undefined;
}

/**
 * The spec recorded in `shown`, resolved, or a refusal. Apart from verify so that the recorded
 * spec (its text, tens of MB at 100k tensors) is garbage before the comparison starts; a
 * directory's manifest comes back as its file list (read once).
 */
async function recordedSpec(shown: string, seen?: unknown[]): Promise<Resolved> {
  const rec = await readRecorded(shown, seen);
  if (rec === undefined) {
    throw refuseVerify(shown, (name) => `carries no init-weights provenance (a manifest.json, safetensors __metadata__, Arrow schema metadata or npz comment written by init-weights); check it with gen ${name('check')} and its spec instead`);
  }
  return resolveRecorded(shown, rec);
}

/** Resolve a recorded spec, or refuse (exit 2): another stream version, no spec, a spec this version does not read. */
function resolveRecorded(shown: string, rec: Recorded): Resolved {
  const { streamVersion, toolVersion } = rec.provenance;
  if (streamVersion === undefined) throw refuseVerify(shown, 'its provenance records no stream version, so it cannot be regenerated');
  if (streamVersion !== STREAM_VERSION) {
    const newer = streamVersion > STREAM_VERSION;
    throw refuseVerify(shown, `was written with stream version ${streamVersion}${toolVersion !== undefined ? ` (init-weights ${toolVersion})` : ''}; this init-weights (${TOOL_VERSION}) generates stream version ${STREAM_VERSION}${newer ? ': upgrade init-weights to verify it' : ''}`);
  }
  if (typeof rec.spec !== 'object' || rec.spec === null) throw refuseVerify(shown, (name) => `its provenance does not hold the spec (too long for where it is kept), so it cannot be regenerated: use gen ${name('check')} with the spec file`);
  // Only the file list goes on: verify's sink ignores metadata, and the value holds the spec's text.
  const manifest = rec.manifest === undefined ? undefined : { value: undefined, files: rec.manifest.files };
  try {
    return { spec: resolveSpec(rec.spec), streamVersion, toolVersion, manifest };
  } catch (err) {
    if (!(err instanceof InitWeightsError)) throw err;
    throw refuseVerify(shown, `its recorded spec is not one this init-weights reads (${err.message})`);
  }
}
