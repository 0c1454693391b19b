import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../core/errors.js';

/** Where messages go: results on stdout, everything else on stderr. Tests inject their own. */
export interface CliIO {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const processIO = (): CliIO => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});

export function writeOutput(file: string, content: string | Buffer): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  } catch (err) {
    throw new UsageError(
      `${file}: cannot write output (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      'choose a writable --output path',
    );
  }
}

/** Progress messages: only when stderr is a terminal, or with --verbose. */
export function progressLogger(io: CliIO, verbose: boolean): (msg: string) => void {
  const on = verbose || Boolean(io.stderr.isTTY);
  return (msg: string) => {
    if (on) io.stderr.write(`rampart: ${msg}\n`);
  };
}
