import type { Argv } from 'yargs';
import { UsageError } from '../../core/errors.js';
import type { FactSet, JsonValue } from '../../core/types.js';
import { readFactSet } from '../../definitions/factset.js';
import { assess } from '../../evaluator/assess.js';
import { type CliIO } from '../io.js';
import { allTargetOptions, targetChoices, targetKind } from '../targets.js';
import { evidenceOptions, governanceOptions, outputOptions, selectionOptions } from '../options.js';
import { planOutputs } from '../outputs.js';
import { isoDay } from '../../governance/waivers.js';
import { finalize } from '../../scoring/finalize.js';
import { loadGovernance, type GovernanceArgs } from '../governance.js';
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

export type ScanArgs = SelectionArgs &
  OutputArgs &
  DockerArgs &
  GovernanceArgs & { target?: string; facts?: string[] };

/**
 * One assessment, many targets: a live target and any number of saved fact sets are combined into one fact
 * set (targets with the same id are kept once, the live one first).
 */
export async function gatherFacts(args: ScanArgs, io: CliIO): Promise<FactSet> {
  const sets = (args.facts ?? []).map((f) => readFactSet(f));
  if (args.target) {
    const kind = targetKind(args.target);
    if (!kind)
      throw new UsageError(`unknown target "${args.target}"`, `choose one of: ${targetChoices().join(', ')}`);
    const { factSetOf } = await import('../../collectors/factset.js');
    sets.unshift(factSetOf([await kind.collect(args as unknown as Record<string, unknown>, io)]));
  }
  if (!sets.length) {
    throw new UsageError(
      'nothing to scan',
      `use "rampart scan <${targetChoices().join('|')}>" or "rampart scan --facts facts.json"`,
    );
  }
  const seen = new Set<string>();
  const targets = sets.flatMap((s) => s.targets).filter((t) => !seen.has(t.id) && Boolean(seen.add(t.id)));
  return { ...sets[0]!, targets };
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
    'framework',
    'scope',
    'waivers',
    'attestations',
    'as-of',
  ] as const) {
    const v = args[key];
    if (v !== undefined) rec[key] = v as JsonValue;
  }
  return rec;
}

export async function runScan(args: ScanArgs, io: CliIO): Promise<number> {
  const benchmarks = loadBenchmarks(args['benchmark-dir'], io.cwd);
  // Output options are checked before collection so a bad format, key or bundle directory fails fast (exit 2).
  const plan = planOutputs(args, io);
  const startedAt = new Date();
  const today = args['as-of'] ?? isoDay(startedAt);
  // Governance files are read before collection so a broken file fails fast (exit 2).
  const governance = loadGovernance(args, benchmarks, io.cwd);
  const facts = await gatherFacts(args, io);
  const evaluated = assess(facts, benchmarks, {
    ...selectionOf(args),
    startedAt,
    options: optionsRecord(args),
  });
  if (!evaluated.results.length) {
    throw new UsageError('no controls selected for this target', 'check --benchmark, --controls and --level');
  }
  const doc = finalize(evaluated, facts, { ...governance, today });
  return await emitResults(doc, args, io, { facts, plan });
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
          ...governanceOptions,
          ...outputOptions,
          ...evidenceOptions,
        })
        .example('$0 scan docker', 'assess the local Docker engine and its host')
        .example('$0 scan docker --format json -o results.json --fail-on high', 'gate CI on high findings')
        .example('$0 scan --facts facts.json', 'evaluate facts collected earlier')
        .example('$0 scan docker --format json,html,sarif --out reports/', 'several formats, one file each')
        .example('$0 scan docker --evidence-dir evidence/ --sign-key key.pem', 'a signed evidence bundle'),
    handler: async (argv: unknown) => setExit(await runScan(argv as ScanArgs, io)),
  };
}
