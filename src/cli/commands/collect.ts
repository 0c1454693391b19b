import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { EXIT, UsageError } from '../../core/errors.js';
import { writeOutput, type CliIO } from '../io.js';
import { allTargetOptions, targetChoices, targetKind } from '../targets.js';

type CollectArgs = { target: string; out?: string; verbose: boolean };

export async function runCollect(args: CollectArgs, io: CliIO): Promise<number> {
  const kind = targetKind(args.target);
  if (!kind)
    throw new UsageError(`unknown target "${args.target}"`, `choose one of: ${targetChoices().join(', ')}`);
  const target = await kind.collect(args as unknown as Record<string, unknown>, io);
  const { factSetOf } = await import('../../collectors/factset.js');
  const text = `${JSON.stringify(factSetOf([target]), null, 2)}\n`;
  if (args.out) {
    writeOutput(resolve(io.cwd, args.out), text);
    const failed = Object.keys(target.errors);
    io.stderr.write(
      `rampart: wrote facts of ${target.kind} ${target.name} to ${args.out}` +
        (failed.length ? ` (not collected: ${failed.join(', ')})` : '') +
        '\n',
    );
  } else io.stdout.write(text);
  return EXIT.ok;
}

export function collectCommand(io: CliIO, setExit: (code: number) => void) {
  return {
    command: 'collect <target>',
    describe: 'Collect facts from a target into a fact set (evidence) without evaluating them',
    builder: (y: Argv) =>
      y
        .positional('target', {
          type: 'string',
          choices: targetChoices(),
          demandOption: true,
          describe: 'What to collect from',
        })
        .options({
          out: { type: 'string', describe: 'Write the fact set to this file (default stdout)' },
          ...allTargetOptions(),
        })
        .example(
          '$0 collect docker --out facts.json',
          'save the engine and host facts; evaluate later with scan --facts',
        ),
    handler: async (argv: unknown) => setExit(await runCollect(argv as CollectArgs, io)),
  };
}
