import { spawnSync } from 'node:child_process';
import { main } from '../../src/cli/index.js';
import type { CliIO } from '../../src/cli/io.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured streams (fast; same code path as the binary). */
export async function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; tty?: boolean } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: opts.env ?? { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined },
    cwd: opts.cwd ?? process.cwd(),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** Runs the real executable in a child process (exit codes, uncaught errors, stdin). */
export function spawnCli(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string } = {}): CliRun {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'src/bin/rampart.ts', ...args], {
    encoding: 'utf8',
    env: opts.env ?? process.env,
    input: opts.input,
    timeout: 60_000,
  });
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}
