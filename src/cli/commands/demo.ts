import { join } from 'node:path';
import type { Argv } from 'yargs';
import { packageRoot } from '../../core/paths.js';
import type { CliIO } from '../io.js';
import { evidenceOptions, governanceOptions, outputOptions, selectionOptions } from '../options.js';
import { runScan, type ScanArgs } from './scan.js';

export function demoFactsPath(): string {
  return join(packageRoot(), 'demo', 'docker-host.facts.json');
}

/** The demo's own governance files and assessment date (the day its facts were collected). */
export function demoDefaults(): { scope: string; waivers: string; attestations: string; 'as-of': string } {
  const dir = join(packageRoot(), 'demo');
  return {
    scope: join(dir, 'scope.yaml'),
    waivers: join(dir, 'waivers.yaml'),
    attestations: join(dir, 'attestations.yaml'),
    'as-of': DEMO_DAY,
  };
}

export const DEMO_DAY = '2024-08-06';

export function demoCommand(io: CliIO, setExit: (code: number) => void) {
  return {
    command: 'demo',
    describe: 'Assess the bundled demo estate (a partly hardened Docker host); needs no Docker',
    builder: (y: Argv) =>
      y
        .options({ ...selectionOptions, ...governanceOptions, ...outputOptions, ...evidenceOptions })
        .example('$0 demo', 'show a full assessment of the demo host')
        .example('$0 demo --format json -o demo-results.json', 'write the demo results as JSON')
        .example('$0 demo --format json,html,pdf,sarif,junit,csv,oscal --out demo-reports/', 'every report')
        .example(
          '$0 demo --format html,pdf --evidence-dir demo-evidence/',
          'reports sealed in an evidence bundle',
        ),
    handler: async (argv: unknown) =>
      setExit(
        await runScan(
          {
            ...demoDefaults(),
            ...definedOnly(argv as ScanArgs),
            target: undefined,
            facts: [demoFactsPath()],
          },
          io,
        ),
      ),
  };
}

/** Drops undefined values so the demo's defaults are not overwritten by absent options. */
function definedOnly<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
