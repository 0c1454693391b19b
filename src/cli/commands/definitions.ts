import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { EXIT, UsageError } from '../../core/errors.js';
import type { LoadedBenchmark } from '../../core/types.js';
import { bundledBenchmarkDirs, findBenchmarkDirs, loadBenchmarkDir } from '../../definitions/benchmarks.js';
import { formatProblem } from '../../definitions/yaml.js';
import { colorEnabled, makeStyle } from '../../reporters/colors.js';
import { testBenchmark } from '../../testing/control-tester.js';
import type { CliIO } from '../io.js';

type DirArgs = { dirs?: string[]; verbose: boolean };

function resolveDirs(args: DirArgs, io: CliIO): string[] {
  if (!args.dirs?.length) return bundledBenchmarkDirs();
  return args.dirs.flatMap((d) => {
    const found = findBenchmarkDirs(resolve(io.cwd, d));
    if (!found.length)
      throw new UsageError(`${d}: no benchmark.yaml found in or below it`, 'pass a benchmark directory');
    return found;
  });
}

/** Loads every directory, printing problems; returns the loaded benchmarks and the problem count. */
function loadAll(args: DirArgs, io: CliIO, partial = false): { loaded: LoadedBenchmark[]; problems: number } {
  const st = makeStyle(colorEnabled(io.stderr, io.env));
  let problems = 0;
  const loaded: LoadedBenchmark[] = [];
  for (const dir of resolveDirs(args, io)) {
    const out = loadBenchmarkDir(dir);
    for (const p of out.problems) io.stderr.write(`${st.red('error')} ${formatProblem(p)}\n`);
    problems += out.problems.length;
    const b = partial ? out.partial : out.benchmark;
    if (b) loaded.push(b);
  }
  return { loaded, problems };
}

export function runValidate(args: DirArgs, io: CliIO): number {
  const { loaded, problems } = loadAll(args, io);
  for (const b of loaded) {
    const manual = b.ordered.filter((c) => c.assessment === 'manual').length;
    io.stdout.write(
      `ok ${b.id}@${b.version}: ${b.ordered.length} controls (${b.ordered.length - manual} automated, ${manual} manual)\n`,
    );
  }
  if (problems) {
    io.stdout.write(`${problems} problem(s) found\n`);
    return EXIT.usage;
  }
  return EXIT.ok;
}

export function runTest(args: DirArgs, io: CliIO): number {
  const st = makeStyle(colorEnabled(io.stdout, io.env));
  const { loaded, problems } = loadAll(args, io, true);
  let passed = 0;
  let failed = 0;
  for (const b of loaded) {
    const summary = testBenchmark(b);
    passed += summary.passed;
    failed += summary.failed;
    for (const o of summary.outcomes) {
      if (o.ok && !args.verbose) continue;
      const mark = o.ok ? st.green('ok  ') : st.red('FAIL');
      io.stdout.write(`${mark} ${summary.benchmark}/${o.controlId} [${o.kind}] ${o.name}`);
      io.stdout.write(
        o.ok
          ? '\n'
          : `: expected ${o.expected}, got ${o.actual} (${o.reason})${o.file ? ` — ${o.file}` : ''}\n`,
      );
    }
    io.stdout.write(`${summary.benchmark}: ${summary.passed} of ${summary.outcomes.length} cases passed\n`);
  }
  io.stdout.write(`${passed} passed, ${failed} failed\n`);
  if (problems) return EXIT.usage;
  return failed ? EXIT.findings : EXIT.ok;
}

export function validateCommand(io: CliIO, setExit: (code: number) => void) {
  return {
    command: 'validate [dirs..]',
    describe: 'Validate benchmark directories (default: the bundled benchmarks)',
    builder: (y: Argv) =>
      y
        .positional('dirs', { type: 'string', array: true, describe: 'Benchmark directories' })
        .example('$0 validate ./my-controls', 'check your own controls: schema, operators, ids, test cases'),
    handler: (argv: unknown) => setExit(runValidate(argv as DirArgs, io)),
  };
}

export function testCommand(io: CliIO, setExit: (code: number) => void) {
  return {
    command: 'test [dirs..]',
    describe: "Run every control's embedded pass/fail cases (default: the bundled benchmarks)",
    builder: (y: Argv) =>
      y
        .positional('dirs', { type: 'string', array: true, describe: 'Benchmark directories' })
        .example('$0 test ./my-controls', 'run the test cases of your own controls'),
    handler: (argv: unknown) => setExit(runTest(argv as DirArgs, io)),
  };
}
