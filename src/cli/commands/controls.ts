import type { Argv } from 'yargs';
import { EXIT, UsageError } from '../../core/errors.js';
import type { Control, LoadedBenchmark } from '../../core/types.js';
import { selectBenchmarks, selectControls, matchesBenchmark } from '../../evaluator/selection.js';
import { colorEnabled, makeStyle } from '../../reporters/colors.js';
import type { CliIO } from '../io.js';
import { selectionOptions } from '../options.js';
import { loadBenchmarks } from '../shared.js';
import type { SelectionArgs } from './scan.js';

type ListArgs = SelectionArgs & { format: string };
type ShowArgs = { ref: string; 'benchmark-dir'?: string[]; format: string };

function listRows(benchmarks: LoadedBenchmark[], args: ListArgs) {
  return benchmarks.flatMap((b) =>
    selectControls(b, { controls: args.controls, level: args.level }).map((c) => ({
      ref: `${b.id}@${b.version}/${c.id}`,
      id: c.id,
      title: c.title,
      assessment: c.assessment,
      level: c.level,
      severity: c.severity,
    })),
  );
}

export function runList(args: ListArgs, io: CliIO): number {
  const all = loadBenchmarks(args['benchmark-dir'], io.cwd);
  const chosen = args.benchmark?.length
    ? all.filter((b) => args.benchmark?.some((s) => matchesBenchmark(b, s)))
    : all;
  if (args.benchmark?.length)
    selectBenchmarks(all, chosen[0]?.target ?? 'docker', { benchmarks: args.benchmark });
  const rows = listRows(chosen, args);
  if (args.format === 'json') {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return EXIT.ok;
  }
  const st = makeStyle(colorEnabled(io.stdout, io.env));
  for (const b of chosen) {
    io.stdout.write(`${st.bold(`${b.id}@${b.version}`)}  ${b.title}\n`);
    for (const r of rows.filter((x) => x.ref.startsWith(`${b.id}@${b.version}/`))) {
      io.stdout.write(
        `  ${r.id.padEnd(8)} ${r.assessment === 'manual' ? st.blue('manual   ') : 'automated'}  L${r.level}  ${r.severity.padEnd(8)}  ${r.title}\n`,
      );
    }
  }
  io.stdout.write(`${rows.length} control(s)\n`);
  return EXIT.ok;
}

export function findControl(
  benchmarks: LoadedBenchmark[],
  ref: string,
): { benchmark: LoadedBenchmark; control: Control } {
  const m = /^(?:([a-z][a-z0-9-]*)(?:@([^/]+))?\/)?(.+)$/.exec(ref);
  const [, id, version, controlId] = m ?? [];
  const matches = benchmarks
    .filter((b) => (!id || b.id === id) && (!version || b.version === version))
    .flatMap((b) => {
      const c = controlId ? b.controlsById.get(controlId) : undefined;
      return c ? [{ benchmark: b, control: c }] : [];
    });
  if (!matches.length)
    throw new UsageError(`no control "${ref}"`, 'see "rampart controls list" for references');
  if (matches.length > 1) {
    throw new UsageError(
      `"${ref}" is ambiguous`,
      `use one of: ${matches.map((x) => `${x.benchmark.id}@${x.benchmark.version}/${x.control.id}`).join(', ')}`,
    );
  }
  return matches[0]!;
}

export function runShow(args: ShowArgs, io: CliIO): number {
  const { benchmark, control } = findControl(loadBenchmarks(args['benchmark-dir'], io.cwd), args.ref);
  const { file: _file, ...rest } = control;
  if (args.format === 'json') {
    io.stdout.write(
      `${JSON.stringify({ ref: `${benchmark.id}@${benchmark.version}/${control.id}`, ...rest }, null, 2)}\n`,
    );
    return EXIT.ok;
  }
  const st = makeStyle(colorEnabled(io.stdout, io.env));
  const out: string[] = [];
  out.push(st.bold(`${benchmark.id}@${benchmark.version}/${control.id}  ${control.title}`));
  out.push(
    `Assessment: ${control.assessment}   Level: ${control.level}   Severity: ${control.severity}   Scored: ${control.scored}`,
  );
  out.push(`Facts: ${control.facts.join(', ')}`);
  const para = (title: string, text?: string) => {
    if (!text) return;
    out.push(
      '',
      st.bold(title),
      ...text
        .trim()
        .split('\n')
        .map((l) => `  ${l}`),
    );
  };
  para('Rationale', control.rationale);
  para('Impact', control.impact);
  para('Audit', control.audit);
  para('Remediation', control.remediation);
  if (control.test) para('Test', JSON.stringify(control.test, null, 2));
  if (control.references?.length) para('References', control.references.join('\n'));
  if (control.file) out.push('', st.gray(`Defined in ${control.file}`));
  io.stdout.write(`${out.join('\n')}\n`);
  return EXIT.ok;
}

export function controlsCommand(io: CliIO, setExit: (code: number) => void) {
  return {
    command: 'controls <action>',
    describe: 'List controls or show one control',
    builder: (y: Argv) =>
      y
        .command({
          command: 'list',
          describe: 'List the controls of the loaded benchmarks',
          builder: (yy: Argv) =>
            yy
              .options({
                ...selectionOptions,
                format: {
                  type: 'string',
                  choices: ['text', 'json'],
                  default: 'text',
                  describe: 'Output format',
                },
              })
              .example(
                '$0 controls list --benchmark cis-docker --controls "5.*"',
                'list the container runtime controls',
              ),
          handler: (argv: unknown) => setExit(runList(argv as ListArgs, io)),
        })
        .command({
          command: 'show <ref>',
          describe: 'Show one control: rationale, audit, remediation and test',
          builder: (yy: Argv) =>
            yy
              .positional('ref', {
                type: 'string',
                demandOption: true,
                describe: 'Control reference, e.g. cis-docker@1.6.0/5.5 or 5.5',
              })
              .options({
                'benchmark-dir': selectionOptions['benchmark-dir'],
                format: {
                  type: 'string',
                  choices: ['text', 'json'],
                  default: 'text',
                  describe: 'Output format',
                },
              })
              .example('$0 controls show cis-docker@1.6.0/5.5', 'explain the privileged-container control'),
          handler: (argv: unknown) => setExit(runShow(argv as ShowArgs, io)),
        })
        .demandCommand(1, 'choose "list" or "show <ref>"'),
    handler: () => undefined,
  };
}
