import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { readResultsDocument } from '../../definitions/results.js';
import type { CliIO } from '../io.js';
import { outputOptions } from '../options.js';
import { planOutputs, type OutputArgs } from '../outputs.js';
import { emitResults } from '../shared.js';

export type ReportArgs = OutputArgs & { from: string };

/** Renders saved results (--format json) in other formats without scanning again. */
export async function runReport(args: ReportArgs, io: CliIO): Promise<number> {
  if (!args.from) {
    throw new UsageError(
      'report needs the results to render',
      'add --from results.json (written with --format json)',
    );
  }
  // Check the outputs first, then the input: both fail with exit 2 before anything is written.
  const plan = planOutputs(args, io);
  const doc = readResultsDocument(args.from === '-' ? '-' : resolve(io.cwd, args.from), args.from);
  return await emitResults(doc, args, io, { plan });
}

export function reportCommand(io: CliIO, setExit: (code: number) => void) {
  return {
    command: 'report',
    describe: 'Render saved results (written with --format json) in other formats, without scanning',
    builder: (y: Argv) =>
      y
        .options({
          from: {
            type: 'string',
            demandOption: true,
            describe: 'Results document written by "rampart scan ... --format json" ("-" for stdin)',
          },
          ...outputOptions,
        })
        .example(
          '$0 report --from results.json --format html,pdf,sarif --out reports/',
          'render saved results',
        )
        .example('$0 report --from results.json --format csv -o findings.csv', 'one format to one file'),
    handler: async (argv: unknown) => setExit(await runReport(argv as ReportArgs, io)),
  };
}
