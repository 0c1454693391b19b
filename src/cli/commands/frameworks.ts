import type { Argv } from 'yargs';
import { EXIT } from '../../core/errors.js';
import { expandRef, loadMappings, mappingKey } from '../../frameworks/mappings.js';
import { colorEnabled, makeStyle } from '../../reporters/colors.js';
import { selectMappings } from '../governance.js';
import type { CliIO } from '../io.js';
import { selectionOptions } from '../options.js';
import { loadBenchmarks } from '../shared.js';

type Args = { id?: string; format: string; 'benchmark-dir'?: string[] };

export function runFrameworks(action: 'list' | 'show', args: Args, io: CliIO): number {
  const benchmarks = loadBenchmarks(args['benchmark-dir'], io.cwd);
  const all = loadMappings(benchmarks);
  const chosen = action === 'show' ? selectMappings(all, [args.id ?? '']) : all;
  const st = makeStyle(colorEnabled(io.stdout, io.env));
  if (args.format === 'json') {
    const out = chosen.map((m) => ({
      ...m.framework,
      requirements:
        action === 'show'
          ? m.requirements.map((r) => ({
              ...r,
              resolved: (r.controls ?? []).flatMap((c) => expandRef(c.ref, benchmarks)),
            }))
          : m.requirements.length,
    }));
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return EXIT.ok;
  }
  for (const m of chosen) {
    const reqs = m.requirements;
    const automated = reqs.filter((r) => r.controls?.length).length;
    io.stdout.write(
      `${st.bold(mappingKey(m))}  ${m.framework.title}: ${reqs.length} requirements, ${automated} with mapped controls, ${reqs.length - automated} attestation only\n`,
    );
    if (action === 'list') continue;
    for (const r of reqs) {
      const legacy = r.legacy?.length
        ? st.gray(` (${m.framework.legacyVersion ?? 'legacy'}: ${r.legacy.join(', ')})`)
        : '';
      io.stdout.write(`\n  ${st.bold(r.id)}  ${r.title}${legacy}\n`);
      for (const c of r.controls ?? []) {
        const n = expandRef(c.ref, benchmarks).length;
        io.stdout.write(
          `      ${c.strength.padEnd(10)} ${c.ref}${n > 1 ? st.gray(` (${n} controls)`) : ''}${c.note ? st.gray(` — ${c.note}`) : ''}\n`,
        );
      }
      if (r.attestation) io.stdout.write(`      ${st.blue('attest'.padEnd(10))} ${r.attestation}\n`);
    }
  }
  return EXIT.ok;
}

export function frameworksCommand(io: CliIO, setExit: (code: number) => void) {
  const format = {
    type: 'string',
    choices: ['text', 'json'],
    default: 'text',
    describe: 'Output format',
  } as const;
  return {
    command: 'frameworks <action>',
    describe: 'List the regulatory frameworks or show one with its requirement-to-control mapping',
    builder: (y: Argv) =>
      y
        .command({
          command: 'list',
          describe: 'List the bundled framework mappings',
          builder: (yy: Argv) => yy.options({ format, 'benchmark-dir': selectionOptions['benchmark-dir'] }),
          handler: (argv: unknown) => setExit(runFrameworks('list', argv as Args, io)),
        })
        .command({
          command: 'show <id>',
          describe: 'Show a framework: requirements, mapped controls with their strength, attestation needs',
          builder: (yy: Argv) =>
            yy
              .positional('id', {
                type: 'string',
                demandOption: true,
                describe: 'Framework id, e.g. pci-dss or glba@16-cfr-314.4',
              })
              .options({ format, 'benchmark-dir': selectionOptions['benchmark-dir'] })
              .example(
                '$0 frameworks show pci-dss',
                'PCI DSS 4.0.1 requirements and the controls that evidence them',
              ),
          handler: (argv: unknown) => setExit(runFrameworks('show', argv as Args, io)),
        })
        .demandCommand(1, 'choose "list" or "show <id>"'),
    handler: () => undefined,
  };
}
