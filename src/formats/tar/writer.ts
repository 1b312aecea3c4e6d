import { createHash } from 'node:crypto';
import type { TensorSpec } from '../../weights-spec/types.js';
import type { Sink } from '../../io/sink.js';
import { manifestByteLength, manifestChunks, type ManifestFile } from '../directory/manifest.js';
import { npyByteLength, writeNpy } from '../npy/writer.js';
import { defineFormat, sizeChecked } from '../define.js';
import type { WriteContext } from '../types.js';
import { tarReader } from './reader.js';
import { encodeTarHeader, tarEnd, tarPadding } from './header.js';

/** A tensor's member path in the tar: what it extracts to, as in the directory output. */
export function tarMemberPath(tensorName: string): string {
  return `${tensorName}.npy`;
}

/**
 * A tar stream of NAME.npy members and a closing manifest.json: the layout of the directory output,
 * in one stream that Python's tarfile reads from a pipe (mode 'r|'). Each member's size is known
 * before its data is generated, so the header goes first and the data streams.
 */
export const tarFormat = defineFormat({
  name: 'tar',
  extensions: ['.tar'],
  summary: 'tar of NAME.npy members + manifest.json; streams through pipes (Python: tarfile mode "r|")',
  multiTensor: true,
  reader: tarReader,
  async write(tensors: readonly TensorSpec[], sink: Sink, ctx: WriteContext): Promise<void> {
    const files: ManifestFile[] = [];
    for (const tensor of tensors) {
      const path = tarMemberPath(tensor.name);
      const size = npyByteLength(tensor);
      const hash = createHash('sha256');
      await sink.write(encodeTarHeader(path, size));
      const member = sizeChecked(`tar member ${path}`, size, (chunk) => {
        hash.update(chunk);
        return sink.write(chunk);
      });
      await writeNpy(tensor, member.write, ctx);
      member.end();
      await sink.write(tarPadding(size));
      files.push({ tensor: tensor.name, path, dtype: tensor.dtype, shape: tensor.shape, bytes: size, sha256: hash.digest('hex') });
    }
    // The manifest in pieces (its size first, for the header): ~50 MB at 100k tensors.
    const size = manifestByteLength(ctx.spec, files);
    await sink.write(encodeTarHeader('manifest.json', size));
    for (const chunk of manifestChunks(ctx.spec, files)) await sink.write(chunk);
    await sink.write(tarPadding(size));
    await sink.write(tarEnd());
  },
});
