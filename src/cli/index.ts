import yargs from 'yargs';
import { EXIT, isRampartError } from '../core/errors.js';
import { toolVersion } from '../core/paths.js';
import { collectCommand } from './commands/collect.js';
import { controlsCommand } from './commands/controls.js';
import { testCommand, validateCommand } from './commands/definitions.js';
import { demoCommand } from './commands/demo.js';
import { frameworksCommand } from './commands/frameworks.js';
import { reportCommand } from './commands/report.js';
import { scanCommand } from './commands/scan.js';
import { verifyCommand } from './commands/verify.js';
import { processIO, type CliIO } from './io.js';
import { globalOptions } from './options.js';

/** Runs the CLI and returns the exit code; never calls process.exit (src/bin/rampart.ts does). */
/** yargs reads a lone "-" as a positional; `--facts -` (stdin) must stay the option's value. */
function keepStdinDash(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--') && !a.includes('=') && argv[i + 1] === '-') {
      out.push(`${a}=-`);
      i++;
    } else out.push(a);
  }
  return out;
}

export async function main(rawArgv: string[], io: CliIO = processIO()): Promise<number> {
  const argv = keepStdinDash(rawArgv);
  let exit: number = EXIT.ok;
  const setExit = (code: number) => {
    exit = code;
  };
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  let usageFailure: string | undefined;
  const parser = yargs(argv)
    .scriptName('rampart')
    .usage(
      '$0 <command> [options]\n\nCompliance benchmark assessment for Docker hosts (Kubernetes and cloud to come).',
    )
    .options(globalOptions)
    .command(scanCommand(io, setExit))
    .command(collectCommand(io, setExit))
    .command(controlsCommand(io, setExit))
    .command(validateCommand(io, setExit))
    .command(testCommand(io, setExit))
    .command(frameworksCommand(io, setExit))
    .command(demoCommand(io, setExit))
    .command(reportCommand(io, setExit))
    .command(verifyCommand(io, setExit))
    .demandCommand(1, 'choose a command')
    .strict()
    .recommendCommands()
    .version(toolVersion())
    .help()
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      if (err) throw err;
      usageFailure = msg;
    });
  try {
    let helpText = '';
    await parser.parseAsync(argv, {}, (_err, _parsed, output) => {
      helpText = output;
    });
    if (usageFailure) {
      io.stderr.write(`rampart: ${usageFailure}\nRun "rampart --help" for usage.\n`);
      return EXIT.usage;
    }
    if (helpText) io.stdout.write(`${helpText}\n`);
    return exit;
  } catch (err) {
    return reportError(err, io, verbose);
  }
}

export function reportError(err: unknown, io: CliIO, verbose: boolean): number {
  if (isRampartError(err)) {
    io.stderr.write(`rampart: ${err.message}\n`);
    const problems = (err as { problems?: string[] }).problems ?? [];
    for (const p of problems) io.stderr.write(`  ${p}\n`);
    if (err.hint) io.stderr.write(`  fix: ${err.hint}\n`);
    if (verbose && err.stack) io.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const e = err as Error;
  io.stderr.write(`rampart: unexpected error: ${e?.message ?? String(err)}\n`);
  if (verbose && e?.stack) io.stderr.write(`${e.stack}\n`);
  else io.stderr.write('  run again with --verbose for details, and report it if it persists\n');
  return EXIT.usage;
}
