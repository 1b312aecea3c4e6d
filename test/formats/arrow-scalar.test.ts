import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspect } from '../../src/inspect/inspect.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { describeInterop, runPythonJson } from '../helpers/python.js';

/*
 * A 0-d tensor is written to Arrow as one row of a plain column, the same data as a 1-d tensor of
 * one value; the schema metadata's recorded shape ([]) is what tells them apart. These runs go
 * through the CLI (in-process) for the Arrow file, stream and directory layouts.
 */
let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

const LAYOUTS = [
  { name: 'an Arrow file', output: 's.arrow', args: [] },
  { name: 'an Arrow stream', output: 's.arrows', args: [] },
  { name: 'an Arrow directory', output: 'ad/', args: ['--format', 'arrow'] },
];

async function gen(shape: string, output: string, args: readonly string[] = []): Promise<string> {
  const path = tmp.path(output);
  const r = await runCli(['gen', '--shape', shape, '--seed', '1', '--quiet', '-o', path, ...args]);
  expect(r.code, r.stderr).toBe(0);
  return path;
}

/** `verify`'s exit code and `inspect --json`'s shapes. */
async function readBack(path: string): Promise<{ verify: number; shapes: number[][] }> {
  const v = await runCli(['verify', path]);
  const i = await runCli(['inspect', '--json', path]);
  expect(i.code, i.stderr).toBe(0);
  const report = JSON.parse(i.stdout.toString('utf8')) as { tensors: { shape: number[] }[] };
  return { verify: v.code, shapes: report.tensors.map((t) => t.shape) };
}

describe.each(LAYOUTS)('a scalar in $name', ({ output, args }) => {
  it('verifies (exit 0) and inspects as shape ()', async () => {
    const path = await gen('()', output, args);
    expect(await readBack(path)).toEqual({ verify: 0, shapes: [[]] });
  });
});

describe('other shapes keep their Arrow shape', () => {
  // One value in (1,) and (1, 1), zero-sized dimensions, and plain columns.
  const SHAPES: number[][] = [[1], [1, 1], [1, 1, 1], [0], [0, 3], [3, 0], [1, 0], [5], [2, 3]];
  for (const shape of SHAPES) {
    for (const ext of ['arrow', 'arrows']) {
      it(`(${shape.join(', ')}) as .${ext}`, async () => {
        const path = await gen(shape.join(','), `t${shape.join('x')}.${ext}`);
        expect(await readBack(path)).toEqual({ verify: 0, shapes: [shape] });
      });
    }
  }
});

describe('a scalar stream read from a pipe (the header goes to the sink before the rows are counted)', () => {
  it('inspects as shape ()', async () => {
    const path = await gen('()', 'pipe.arrows');
    const report = await inspect({ input: '-', stdin: Readable.from([readFileSync(path)]) });
    expect(report.tensors.map((t) => [t.shape, t.count])).toEqual([[[], 1]]);
  });
});

describeInterop('pyarrow and the recorded scalar shape', (python) => {
  it('pyarrow reads the scalar file: one row holding the value inspect reports, metadata shape "[]"', async () => {
    const path = await gen('()', 'py.arrow');
    const [report] = (await inspect({ input: path })).tensors;
    const code = [
      'import json, sys, pyarrow as pa',
      't = pa.ipc.open_file(sys.argv[1]).read_all()',
      'print(json.dumps({"rows": t.num_rows, "values": t.column(0).to_pylist(), "shape": t.schema.metadata[b"shape"].decode()}))',
    ].join('\n');
    const r = await runPythonJson<{ rows: number; values: number[]; shape: string }>(python, { code }, [path]);
    expect(r).toEqual({ rows: 1, values: [report!.min], shape: '[]' });
  });

  /** Write `values` as a float32 column `column` with schema metadata `meta`, using pyarrow. */
  async function pyarrowFile(file: string, column: string, values: number[], meta: Record<string, string>): Promise<string> {
    const path = tmp.path(file);
    const code = [
      'import json, sys, pyarrow as pa',
      'col, values, meta = sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])',
      't = pa.table({col: pa.array(values, pa.float32())}).replace_schema_metadata(meta)',
      'with pa.ipc.new_file(sys.argv[1], t.schema) as w: w.write_table(t)',
      'print("null")',
    ].join('\n');
    await runPythonJson(python, { code }, [path, column, JSON.stringify(values), JSON.stringify(meta)]);
    return path;
  }

  it('the data wins over a recorded () that does not fit it: 3 rows, or a record naming another column', async () => {
    const rows = await pyarrowFile('three.arrow', 'weights', [1, 2, 3], { name: 'weights', shape: '[]' });
    expect((await inspect({ input: rows })).tensors.map((t) => t.shape)).toEqual([[3]]);
    const other = await pyarrowFile('other.arrow', 'bias', [1], { name: 'weights', shape: '[]' });
    expect((await inspect({ input: other })).tensors.map((t) => t.shape)).toEqual([[1]]);
  });

  it('one row and no recorded shape stays (1,); a recorded () without a name is a scalar', async () => {
    const plain = await pyarrowFile('plain.arrow', 'x', [1], {});
    expect((await inspect({ input: plain })).tensors.map((t) => t.shape)).toEqual([[1]]);
    const unnamed = await pyarrowFile('unnamed.arrow', 'x', [1], { shape: '[]' });
    expect((await inspect({ input: unnamed })).tensors.map((t) => t.shape)).toEqual([[]]);
  });
});
