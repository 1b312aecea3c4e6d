import { InitWeightsError } from '../errors.js';
import { readDirectory } from '../formats/directory/reader.js';
import { kindOf } from '../generate/target.js';
import { STREAM_VERSION } from '../rng/stream.js';
import { TOOL_VERSION } from '../version.js';
import { resolveSpec } from '../weights-spec/parse.js';
import type { WeightsSpec } from '../weights-spec/types.js';
import { readRecorded, refuseVerify } from './provenance.js';
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
  const { spec, streamVersion, toolVersion, manifest } = await recordedSpec(shown);
  const { sink, outcomes } = comparingSink(spec.tensors, expectedChunks(spec));
  if ((await kindOf(shown)) === 'directory') {
    await readDirectory(shown, sink, (file, display, tensor) => readFileInto(file, display, sink, tensor), { manifest: manifest.take() });
  } else {
    await readFileInto(shown, shown, sink, spec.tensors.length === 1 ? spec.tensors[0]!.name : 'array');
  }
  const tensors = outcomes();
  return { path: shown, seed: spec.seed, streamVersion, ...(spec.compat !== undefined ? { compat: spec.compat } : {}), toolVersion, tensors, ok: tensors.every((t) => t.status === 'match') };
}

/**
 * The spec recorded in `shown`, resolved, or a refusal. Apart from verify so that the recorded
 * JSON (the whole manifest or metadata tree, tens of MB at 100k tensors) is garbage before the
 * comparison starts.
 */
async function recordedSpec(shown: string): Promise<{ spec: WeightsSpec; streamVersion: number; toolVersion: string | undefined; manifest: { take(): unknown } }> {
  const rec = await readRecorded(shown);
  if (rec === undefined) {
    throw refuseVerify(shown, (name) => `carries no init-weights provenance (a manifest.json, safetensors __metadata__, Arrow schema metadata or npz comment written by init-weights); check it with gen ${name('check')} and its spec instead`);
  }
  const { streamVersion, toolVersion } = rec.provenance;
  if (streamVersion === undefined) throw refuseVerify(shown, 'its provenance records no stream version, so it cannot be regenerated');
  if (streamVersion !== STREAM_VERSION) {
    const newer = streamVersion > STREAM_VERSION;
    throw refuseVerify(shown, `was written with stream version ${streamVersion}${toolVersion !== undefined ? ` (init-weights ${toolVersion})` : ''}; this init-weights (${TOOL_VERSION}) generates stream version ${STREAM_VERSION}${newer ? ': upgrade init-weights to verify it' : ''}`);
  }
  if (typeof rec.spec !== 'object' || rec.spec === null) throw refuseVerify(shown, (name) => `its provenance does not hold the spec (too long for where it is kept), so it cannot be regenerated: use gen ${name('check')} with the spec file`);
  // A directory's manifest is read once: its files are listed from the same parse, with the
  // recorded spec's tree dropped once resolved; take() lets go of it once the reader has it.
  let value = rec.value;
  const manifest = {
    take: (): unknown => {
      const taken = value;
      value = undefined;
      return taken;
    },
  };
  try {
    const spec = resolveSpec(rec.spec);
    if (typeof value === 'object' && value !== null) delete (value as Record<string, unknown>).spec;
    return { spec, streamVersion, toolVersion, manifest };
  } catch (err) {
    if (!(err instanceof InitWeightsError)) throw err;
    throw refuseVerify(shown, `its recorded spec is not one this init-weights reads (${err.message})`);
  }
}
