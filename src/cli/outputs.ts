/** Where reports go: formats, file names, --out / --output / stdout, and the evidence bundle. */
import type { KeyObject } from 'node:crypto';
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { checkBundleDir, loadSigningKey } from '../evidence/bundle.js';
import { REPORTERS, reporter } from '../reporters/index.js';
import type { Reporter } from '../reporters/types.js';
import type { CliIO } from './io.js';

/** File name of each format under --out and in an evidence bundle's reports/ (docs/reports.md). */
export const REPORT_FILE_NAMES: Readonly<Record<string, string>> = {
  text: 'rampart-report.txt',
  json: 'rampart-results.json',
  html: 'rampart-report.html',
  pdf: 'rampart-report.pdf',
  sarif: 'rampart-results.sarif',
  junit: 'rampart-junit.xml',
  csv: 'rampart-findings.csv',
  oscal: 'rampart-oscal-assessment-results.json',
};

export function reportFileName(rep: Pick<Reporter, 'id' | 'extension'>): string {
  return REPORT_FILE_NAMES[rep.id] ?? `rampart-${rep.id}.${rep.extension}`;
}

/** "json,html" or repeated --format options -> reporters, in order, each once. */
export function parseFormats(format: string | string[] | undefined): Reporter[] {
  const ids = (Array.isArray(format) ? format : [format ?? 'text'])
    .flatMap((f) => String(f).split(','))
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean);
  if (!ids.length) {
    throw new UsageError('no output format given', `choose from: ${[...REPORTERS.keys()].join(', ')}`);
  }
  return [...new Set(ids)].map((id) => reporter(id));
}

export interface OutputArgs {
  format: string | string[];
  output?: string;
  /** Directory receiving one file per format. */
  out?: string;
  'fail-on': string;
  'fail-on-error': boolean;
  verbose: boolean;
  classification?: string;
  assessor?: string;
  'evidence-dir'?: string;
  'sign-key'?: string;
}

export interface OutputPlan {
  reporters: Reporter[];
  /** Absolute --out directory. */
  outDir?: string;
  /** Absolute --output file (one format). */
  outputFile?: string;
  /** The single textual format goes to stdout. */
  stdout: boolean;
  evidenceDir?: string;
  signKey?: KeyObject;
}

/**
 * Checks the output options before any work is done (a bad --sign-key or a non-empty --evidence-dir fails
 * before a long collection, exit 2).
 */
export function planOutputs(args: OutputArgs, io: CliIO): OutputPlan {
  const reporters = parseFormats(args.format);
  const several = reporters.length > 1;
  if (args.out && args.output) {
    throw new UsageError(
      '--out and --output cannot be combined',
      '--out <dir> writes one file per format; --output <file> writes a single format',
    );
  }
  if (args.output && several) {
    throw new UsageError(
      `--output takes one format, ${reporters.length} were given`,
      'write several formats into a directory with --out <dir>',
    );
  }
  if (args['sign-key'] && !args['evidence-dir']) {
    throw new UsageError('--sign-key signs an evidence bundle', 'add --evidence-dir <dir>');
  }
  const evidenceDir = args['evidence-dir'] ? resolve(io.cwd, args['evidence-dir']) : undefined;
  const toFiles = Boolean(args.out || args.output);
  if (!toFiles && !evidenceDir) {
    if (several) {
      throw new UsageError(
        `${reporters.length} formats need an output directory`,
        `add --out <dir> (files: ${reporters.map(reportFileName).join(', ')})`,
      );
    }
    const rep = reporters[0]!;
    if (rep.binary) {
      throw new UsageError(
        `the ${rep.id} format is binary`,
        `write it to a file with --output report.${rep.extension} or --out <dir>`,
      );
    }
  }
  if (evidenceDir) checkBundleDir(evidenceDir);
  const signKey = args['sign-key'] ? loadSigningKey(resolve(io.cwd, args['sign-key'])) : undefined;
  return {
    reporters,
    ...(args.out ? { outDir: resolve(io.cwd, args.out) } : {}),
    ...(args.output ? { outputFile: resolve(io.cwd, args.output) } : {}),
    stdout: !toFiles && !several && !reporters[0]!.binary,
    ...(evidenceDir ? { evidenceDir } : {}),
    ...(signKey ? { signKey } : {}),
  };
}
