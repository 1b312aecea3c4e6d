// Start-up (issue 12): `init-weights --help` and `gen --help` beside a bare `node -e 0`, the floor
// any Node CLI starts from. Target: init-weights at most 1.3x node's time, so the ratio column
// (node / init-weights) at least 0.77. Output goes to a pipe, as when help is piped to a pager.
// Tiny commands: more runs than the default (BENCH_STARTUP_RUNS, default 20). Select with --only startup.

/** @returns {object[]} bench cases (see bench/run.mjs for their shape). */
export function cases(o, kit) {
  const runs = Number(process.env.BENCH_STARTUP_RUNS ?? Math.max(20, o.runs));
  const node = { tool: 'node', argv: [process.execPath, '-e', '0'], stdout: 'discard' };
  return [['--help'], ['gen', '--help']].map((args) => ({
    id: ['startup', ...args].join('-').replace(/-+/g, '-'),
    title: `\`init-weights ${args.join(' ')}\`; peer: bare \`node -e 0\` (target >= 0.77, i.e. <= 1.3x node)`,
    values: 0,
    detail: 'whole process, output into a pipe',
    commands: [
      { tool: 'init-weights', argv: [process.execPath, kit.BIN, ...args], stdout: 'discard' },
      node,
    ],
    ratio: ['node', 'init-weights'],
    runs,
    warmup: 2,
  }));
}
