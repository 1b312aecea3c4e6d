import { InitWeightsError } from '../errors.js';
import { readDirectory } from '../formats/directory/reader.js';
import { kindOf } from '../generate/target.js';
import { STREAM_VERSION } from '../rng/stream.js';
import { TOOL_VERSION } from '../version.js';
import { resolveSpec } from '../weights-spec/parse.js';
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
  let spec;
  try {
    spec = resolveSpec(rec.spec);
  } catch (err) {
    if (!(err instanceof InitWeightsError)) throw err;
    throw refuseVerify(shown, `its recorded spec is not one this init-weights reads (${err.message})`);
  }
  const { sink, outcomes } = comparingSink(spec.tensors, expectedChunks(spec));
  if ((await kindOf(shown)) === 'directory') {
    await readDirectory(shown, sink, (file, display, tensor) => readFileInto(file, display, sink, tensor));
  } else {
    await readFileInto(shown, shown, sink, spec.tensors.length === 1 ? spec.tensors[0]!.name : 'array');
  }
  const tensors = outcomes();
  return { path: shown, seed: spec.seed, streamVersion, ...(spec.compat !== undefined ? { compat: spec.compat } : {}), toolVersion, tensors, ok: tensors.every((t) => t.status === 'match') };
}
