/*
 * The README's framework recipes, run as a user runs them: the real bin, then the real consumer.
 * - Keras 3: `gen --seed 42 -o mlp.weights.h5` (the built-in MLP, named as Keras names it) loads
 *   into the article's model built with default names, and equals the .npz of the same command.
 * - torch: a module's spec piped as a tar stream (`gen --spec net.json -o -`) loads with
 *   load_state_dict(strict=True), num_batches_tracked included (int64 0).
 * - torch: a `{name: shape}` dump of a module's state_dict, given to `--like`, makes a safetensors
 *   file that the module loads strictly, with the convention laws (norm weights 1, biases 0).
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runPythonJson } from '../helpers/python.js';
import { describeFormatInterop } from './formats-python.js';
import { BIN, checkBuilt, startBin, tempDir } from './support.js';

function gen(args: readonly string[], cwd: string): void {
  const r = spawnSync(process.execPath, [BIN, 'gen', ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`gen ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}

const KERAS_LOAD = `
import json, os, sys
os.environ["KERAS_BACKEND"] = "torch"
import numpy as np, keras
model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(128), keras.layers.Dense(64), keras.layers.Dense(10)])
model.load_weights(sys.argv[1])
npz = np.load(sys.argv[2])
out = {}
for layer in model.layers:
    for var, part in zip(layer.weights, ("kernel", "bias")):
        key = f"{layer.name}/{part}"
        got = keras.ops.convert_to_numpy(var.value)
        out[key] = bool(key in npz and got.shape == npz[key].shape and np.array_equal(got.view(np.uint32), npz[key].view(np.uint32)))
print(json.dumps(out))
`;

const NET = `
import torch
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3)
        self.bn = torch.nn.BatchNorm2d(8)
        self.emb = torch.nn.Embedding(50, 8, padding_idx=0)
        self.ln = torch.nn.LayerNorm(8)
        self.fc = torch.nn.Linear(8, 10)
`;

const TORCH_TAR = `${NET}
import io, json, sys, tarfile, numpy as np
state = {}
with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as tar:
    for m in tar:
        data = tar.extractfile(m).read()
        if m.name.endswith(".npy"):
            state[m.name[:-4]] = torch.from_numpy(np.load(io.BytesIO(data)))
net = Net()
r = net.load_state_dict(state, strict=True)
print(json.dumps({"missing": r.missing_keys, "unexpected": r.unexpected_keys,
  "nbt_dtype": str(state["bn.num_batches_tracked"].dtype), "nbt": int(state["bn.num_batches_tracked"]),
  "pad_row_zero": bool((state["emb.weight"][0] == 0).all())}))
`;

const TORCH_DUMP = `${NET}
import json, sys
json.dump({k: list(v.shape) for k, v in Net().state_dict().items()}, open(sys.argv[1], "w"))
print(json.dumps({"ok": True}))
`;

const TORCH_LOAD = `${NET}
import json, sys, safetensors.torch
state = safetensors.torch.load_file(sys.argv[1])
r = Net().load_state_dict(state, strict=True)
print(json.dumps({"missing": r.missing_keys, "unexpected": r.unexpected_keys,
  "ln_weight_ones": bool((state["ln.weight"] == 1).all()), "fc_bias_zeros": bool((state["fc.bias"] == 0).all()),
  "fc_weight_std": float(state["fc.weight"].std())}))
`;

describeFormatInterop('the README framework recipes, through the bin', (python) => {
  let dir = '';
  let remove: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    checkBuilt();
    ({ dir, remove } = await tempDir('iw-cli-frameworks-'));
  });
  afterAll(() => remove());

  it('Keras 3 loads the built-in MLP from gen --seed 42 -o mlp.weights.h5, equal to the .npz of the same command', async () => {
    gen(['--seed', '42', '-o', 'mlp.weights.h5', '-q'], dir);
    gen(['--seed', '42', '-o', 'mlp.npz', '-q'], dir);
    const r = await runPythonJson<Record<string, boolean>>(python, { code: KERAS_LOAD }, [join(dir, 'mlp.weights.h5'), join(dir, 'mlp.npz')]);
    expect(r).toEqual({ 'dense/kernel': true, 'dense/bias': true, 'dense_1/kernel': true, 'dense_1/bias': true, 'dense_2/kernel': true, 'dense_2/bias': true });
  });

  it('a torch module loads strictly from a tar stream on a pipe, num_batches_tracked int64 0 and the padding row zero', async () => {
    const spec = {
      layout: 'torch', seed: 3, layers: [
        { type: 'conv2d', name: 'conv', in_channels: 3, out_channels: 8, kernel_size: 3 },
        { type: 'batch_norm', name: 'bn', num_features: 8 },
        { type: 'embedding', name: 'emb', num_embeddings: 50, embedding_dim: 8, padding_idx: 0 },
        { type: 'layer_norm', name: 'ln', normalized_shape: 8 },
        { type: 'linear', name: 'fc', in_features: 8, out_features: 10 },
      ],
    };
    await writeFile(join(dir, 'net.json'), JSON.stringify(spec));
    const run = startBin(['gen', '--spec', join(dir, 'net.json'), '-o', '-', '-q']);
    const r = await runPythonJson<Record<string, unknown>>(python, { code: TORCH_TAR }, [], { stdin: run.child.stdout });
    expect((await run.done).code).toBe(0);
    expect(r).toEqual({ missing: [], unexpected: [], nbt_dtype: 'torch.int64', nbt: 0, pad_row_zero: true });
  });

  it('--like a {name: shape} dump of a module makes a safetensors file it loads strictly, with the convention laws', async () => {
    await runPythonJson(python, { code: TORCH_DUMP }, [join(dir, 'shapes.json')]);
    gen(['--like', join(dir, 'shapes.json'), '--seed', '5', '-o', join(dir, 'dump.safetensors'), '-q'], dir);
    const r = await runPythonJson<{ missing: string[]; unexpected: string[]; ln_weight_ones: boolean; fc_bias_zeros: boolean; fc_weight_std: number }>(
      python, { code: TORCH_LOAD }, [join(dir, 'dump.safetensors')],
    );
    expect([r.missing, r.unexpected, r.ln_weight_ones, r.fc_bias_zeros]).toEqual([[], [], true, true]);
    // normal(0, 0.02) on 80 values: the sample std is within 6 standard errors (0.02 / sqrt(2 * 80) each) of 0.02.
    expect(Math.abs(r.fc_weight_std - 0.02)).toBeLessThan(6 * 0.02 / Math.sqrt(2 * 80));
  });
});
