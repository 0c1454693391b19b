import type { Argv } from 'yargs';
import { UsageError } from '../../core/errors.js';
import type { FactSet, JsonValue } from '../../core/types.js';
import { readFactSet } from '../../definitions/factset.js';
import { assess } from '../../evaluator/assess.js';
import { type CliIO } from '../io.js';
import { allTargetOptions, targetChoices, targetKind } from '../targets.js';
import { outputOptions, selectionOptions } from '../options.js';
import { emitResults, loadBenchmarks, type OutputArgs } from '../shared.js';

export interface SelectionArgs {
  benchmark?: string[];
  'benchmark-dir'?: string[];
  controls?: string[];
  level?: number;
}

export interface DockerArgs {
  'docker-host'?: string;
  'host-root'?: string;
  'running-only': boolean;
  concurrency: number;
}

export type ScanArgs = SelectionArgs & OutputArgs & DockerArgs & { target?: string; facts?: string[] };

export async function gatherFacts(args: ScanArgs, io: CliIO): Promise<FactSet> {
  if (args.facts?.length) {
    if (args.target) throw new UsageError('give either a target or --facts, not both');
    const sets = args.facts.map((f) => readFactSet(f));
    return { ...sets[0]!, targets: sets.flatMap((s) => s.targets) };
  }
  const kind = args.target ? targetKind(args.target) : undefined;
  if (!kind) {
    throw new UsageError(
      'nothing to scan',
      `use "rampart scan <${targetChoices().join('|')}>" or "rampart scan --facts facts.json"`,
    );
  }
  const { factSetOf } = await import('../../collectors/factset.js');
  return factSetOf([await kind.collect(args as unknown as Record<string, unknown>, io)]);
}

export function selectionOf(args: SelectionArgs) {
  return { benchmarks: args.benchmark, controls: args.controls, level: args.level };
}

export function optionsRecord(args: ScanArgs): Record<string, JsonValue> {
  const rec: Record<string, JsonValue> = {};
  for (const key of [
    'benchmark',
    'controls',
    'level',
    'running-only',
    'docker-host',
    'host-root',
    'facts',
  ] as const) {
    const v = args[key];
    if (v !== undefined) rec[key] = v as JsonValue;
  }
  return rec;
}

export async function runScan(args: ScanArgs, io: CliIO): Promise<number> {
  const benchmarks = loadBenchmarks(args['benchmark-dir'], io.cwd);
  const startedAt = new Date();
  const facts = await gatherFacts(args, io);
  const doc = assess(facts, benchmarks, { ...selectionOf(args), startedAt, options: optionsRecord(args) });
  if (!doc.results.length) {
    throw new UsageError('no controls selected for this target', 'check --benchmark, --controls and --level');
  }
  return emitResults(doc, args, io);
}

export function scanCommand(io: CliIO, setExit: (code: number) => void) {
  return {
    command: 'scan [target]',
    describe: 'Assess a live target (docker) or a saved fact set (--facts) against the benchmarks',
    builder: (y: Argv) =>
      y
        .positional('target', { type: 'string', choices: targetChoices(), describe: 'What to scan' })
        .options({
          facts: {
            type: 'string',
            array: true,
            describe: 'Evaluate saved fact set(s) written by "rampart collect"',
          },
          ...allTargetOptions(),
          ...selectionOptions,
          ...outputOptions,
        })
        .example('$0 scan docker', 'assess the local Docker engine and its host')
        .example('$0 scan docker --format json -o results.json --fail-on high', 'gate CI on high findings')
        .example('$0 scan --facts facts.json', 'evaluate facts collected earlier'),
    handler: async (argv: unknown) => setExit(await runScan(argv as ScanArgs, io)),
  };
}
