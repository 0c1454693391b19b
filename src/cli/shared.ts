import { resolve } from 'node:path';
import { DefinitionError, EXIT, UsageError } from '../core/errors.js';
import { SEVERITY_RANK, type LoadedBenchmark, type ResultsDocument, type Severity } from '../core/types.js';
import { bundledBenchmarkDirs, findBenchmarkDirs, loadBenchmarkDir } from '../definitions/benchmarks.js';
import { formatProblem } from '../definitions/yaml.js';
import { colorEnabled } from '../reporters/colors.js';
import { reporter } from '../reporters/index.js';
import { writeOutput, type CliIO } from './io.js';

/** Loads the bundled benchmarks plus any extra directories; every problem is reported at once. */
export function loadBenchmarks(extraDirs: string[] = [], cwd = process.cwd()): LoadedBenchmark[] {
  const dirs = [...bundledBenchmarkDirs()];
  for (const d of extraDirs) {
    const found = findBenchmarkDirs(resolve(cwd, d));
    if (!found.length)
      throw new UsageError(
        `${d}: no benchmark.yaml found`,
        'point --benchmark-dir at a directory holding benchmark.yaml',
      );
    dirs.push(...found);
  }
  const loaded: LoadedBenchmark[] = [];
  const problems: string[] = [];
  for (const dir of dirs) {
    const out = loadBenchmarkDir(dir);
    problems.push(...out.problems.map(formatProblem));
    if (out.benchmark) loaded.push(out.benchmark);
  }
  if (problems.length) {
    throw new DefinitionError(`${problems.length} problem(s) in control definitions`, problems);
  }
  return loaded;
}

export interface OutputArgs {
  format: string;
  output?: string;
  'fail-on': string;
  'fail-on-error': boolean;
  verbose: boolean;
}

/** Exit status for a finished assessment under --fail-on / --fail-on-error. */
export function exitCodeFor(doc: ResultsDocument, failOn: string, failOnError: boolean): number {
  if (failOnError && doc.results.some((r) => r.status === 'error')) return EXIT.findings;
  if (failOn === 'none') return EXIT.ok;
  const threshold = SEVERITY_RANK[failOn as Severity];
  const hit = doc.results.some((r) => r.status === 'fail' && SEVERITY_RANK[r.severity] >= threshold);
  return hit ? EXIT.findings : EXIT.ok;
}

/** Renders the results in the chosen format to --output or stdout and returns the exit code. */
export async function emitResults(doc: ResultsDocument, args: OutputArgs, io: CliIO): Promise<number> {
  const rep = reporter(args.format);
  const toFile = Boolean(args.output);
  if (rep.binary && !toFile) {
    throw new UsageError(
      `the ${rep.id} format is binary`,
      `write it to a file with --output report.${rep.extension}`,
    );
  }
  const color = !toFile && rep.id === 'text' && colorEnabled(io.stdout, io.env);
  const rendered = await rep.render(doc, { color, verbose: args.verbose });
  if (args.output) {
    writeOutput(resolve(io.cwd, args.output), rendered);
    io.stderr.write(`rampart: wrote ${rep.id} report to ${args.output}\n`);
  } else {
    io.stdout.write(typeof rendered === 'string' ? rendered : rendered.toString('utf8'));
  }
  return exitCodeFor(doc, args['fail-on'], args['fail-on-error']);
}
