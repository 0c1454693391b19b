import { join } from 'node:path';
import type { Argv } from 'yargs';
import { packageRoot } from '../../core/paths.js';
import type { CliIO } from '../io.js';
import { outputOptions, selectionOptions } from '../options.js';
import { runScan, type ScanArgs } from './scan.js';

export function demoFactsPath(): string {
  return join(packageRoot(), 'demo', 'docker-host.facts.json');
}

export function demoCommand(io: CliIO, setExit: (code: number) => void) {
  return {
    command: 'demo',
    describe: 'Assess the bundled demo estate (a partly hardened Docker host); needs no Docker',
    builder: (y: Argv) =>
      y
        .options({ ...selectionOptions, ...outputOptions })
        .example('$0 demo', 'show a full assessment of the demo host')
        .example('$0 demo --format json -o demo-results.json', 'write the demo results as JSON'),
    handler: async (argv: unknown) =>
      setExit(await runScan({ ...(argv as ScanArgs), target: undefined, facts: [demoFactsPath()] }, io)),
  };
}
