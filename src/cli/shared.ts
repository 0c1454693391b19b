import { join, resolve } from 'node:path';
import { DefinitionError, EXIT, UsageError } from '../core/errors.js';
import {
  SEVERITY_RANK,
  type FactSet,
  type LoadedBenchmark,
  type ResultsDocument,
  type Severity,
} from '../core/types.js';
import { bundledBenchmarkDirs, findBenchmarkDirs, loadBenchmarkDir } from '../definitions/benchmarks.js';
import { formatProblem } from '../definitions/yaml.js';
import { colorEnabled } from '../reporters/colors.js';
import { bundleFiles, factsJson, sha256, writeBundle } from '../evidence/bundle.js';
import { writeOutput, type CliIO } from './io.js';
import { planOutputs, reportFileName, type OutputArgs, type OutputPlan } from './outputs.js';

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

export type { OutputArgs } from './outputs.js';

/** Exit status for a finished assessment under --fail-on / --fail-on-error. */
export function exitCodeFor(doc: ResultsDocument, failOn: string, failOnError: boolean): number {
  if (failOnError && doc.results.some((r) => r.status === 'error')) return EXIT.findings;
  if (failOn === 'none') return EXIT.ok;
  const threshold = SEVERITY_RANK[failOn as Severity];
  const hit = doc.results.some((r) => r.status === 'fail' && SEVERITY_RANK[r.severity] >= threshold);
  return hit ? EXIT.findings : EXIT.ok;
}

/**
 * Renders the results in every chosen format: to --out <dir> (one file per format), to --output <file>, or to
 * stdout (one textual format); with --evidence-dir also into an evidence bundle. Returns the exit code.
 * `extra.facts` is the fact set the results were evaluated from (kept in the bundle); `extra.plan` a plan
 * already checked by planOutputs.
 */
export async function emitResults(
  doc: ResultsDocument,
  args: OutputArgs,
  io: CliIO,
  extra: { facts?: FactSet; plan?: OutputPlan } = {},
): Promise<number> {
  const plan = extra.plan ?? planOutputs(args, io);
  const resultsJson = `${JSON.stringify(doc, null, 2)}\n`;
  const digests = {
    results: sha256(resultsJson),
    ...(extra.facts ? { facts: sha256(factsJson(extra.facts)) } : {}),
  };
  const base = {
    verbose: args.verbose,
    digests,
    ...(args.classification ? { classification: args.classification } : {}),
    ...(args.assessor ? { assessor: args.assessor } : {}),
  };
  const files: { name: string; content: string | Buffer }[] = [];
  for (const rep of plan.reporters) {
    const name = reportFileName(rep);
    const plain = await rep.render(doc, { ...base, color: false });
    files.push({ name, content: plain });
    if (plan.outDir) {
      const file = join(plan.outDir, name);
      writeOutput(file, plain);
      io.stderr.write(`rampart: wrote ${rep.id} report to ${file}\n`);
    } else if (plan.outputFile) {
      writeOutput(plan.outputFile, plain);
      io.stderr.write(`rampart: wrote ${rep.id} report to ${args.output ?? plan.outputFile}\n`);
    } else if (plan.stdout) {
      const color = rep.id === 'text' && colorEnabled(io.stdout, io.env);
      const shown = color ? await rep.render(doc, { ...base, color }) : plain;
      io.stdout.write(typeof shown === 'string' ? shown : shown.toString('utf8'));
    }
  }
  if (plan.evidenceDir) {
    const manifest = writeBundle(plan.evidenceDir, bundleFiles(extra.facts, resultsJson, files), {
      doc,
      ...(plan.signKey ? { signKey: plan.signKey } : {}),
    });
    io.stderr.write(
      `rampart: wrote evidence bundle to ${plan.evidenceDir} (${manifest.files.length} files` +
        `${plan.signKey ? ', signed' : ''}${extra.facts ? '' : ', without a fact set'}); ` +
        `check it with: rampart verify ${args['evidence-dir'] ?? plan.evidenceDir}\n`,
    );
  }
  return exitCodeFor(doc, args['fail-on'], args['fail-on-error']);
}
