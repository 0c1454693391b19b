import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { EXIT } from '../../core/errors.js';
import { loadPublicKey, verifyBundle, type VerifyReport } from '../../evidence/bundle.js';
import type { CliIO } from '../io.js';

export interface VerifyArgs {
  dir: string;
  'pub-key'?: string;
  format: 'text' | 'json';
}

const LABEL = {
  ok: 'OK',
  altered: 'ALTERED',
  missing: 'MISSING',
  extra: 'EXTRA',
  invalid: 'INVALID',
} as const;

export function formatVerifyReport(dir: string, r: VerifyReport): string {
  const lines: string[] = [`Evidence bundle ${dir}`];
  for (const p of r.problems) lines.push(`  PROBLEM  ${p}`);
  for (const f of r.files)
    lines.push(`  ${LABEL[f.state].padEnd(8)} ${f.path}${f.detail ? `: ${f.detail}` : ''}`);
  const s = r.signature;
  const key = s.keyFingerprint
    ? ` (ed25519 key sha256:${s.keyFingerprint.slice(0, 16)}…, ${s.keySource})`
    : '';
  const sig =
    s.state === 'valid'
      ? `valid${key}`
      : s.state === 'unsigned'
        ? 'none (the bundle is not signed)'
        : `${s.state.toUpperCase()}${key}${s.detail ? `: ${s.detail}` : ''}`;
  lines.push(`  signature: ${sig}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  const bad = r.files.filter((f) => f.state !== 'ok');
  const count = (state: string) => bad.filter((f) => f.state === state).length;
  lines.push(
    r.intact
      ? `INTACT: ${r.files.length} file(s) match the manifest${s.state === 'valid' ? ' and the signature holds' : ''}`
      : `NOT INTACT: ${[
          ...(r.problems.length ? [`${r.problems.length} manifest problem(s)`] : []),
          ...(['altered', 'missing', 'extra', 'invalid'] as const)
            .filter((st) => count(st))
            .map((st) => `${count(st)} ${st}`),
          ...(s.state === 'invalid' || s.state === 'missing' ? [`signature ${s.state}`] : []),
        ].join(', ')}`,
  );
  return `${lines.join('\n')}\n`;
}

export function runVerify(args: VerifyArgs, io: CliIO): number {
  const dir = resolve(io.cwd, args.dir);
  const pubKey = args['pub-key'] ? loadPublicKey(resolve(io.cwd, args['pub-key'])) : undefined;
  const report = verifyBundle(dir, pubKey ? { pubKey } : {});
  if (args.format === 'json')
    io.stdout.write(`${JSON.stringify({ dir, ...report, manifest: undefined }, null, 2)}\n`);
  else io.stdout.write(formatVerifyReport(args.dir, report));
  return report.intact ? EXIT.ok : EXIT.findings;
}

export function verifyCommand(io: CliIO, setExit: (code: number) => void) {
  return {
    command: 'verify <dir>',
    describe: 'Check an evidence bundle: every file against the manifest digests, and the signature',
    builder: (y: Argv) =>
      y
        .positional('dir', {
          type: 'string',
          demandOption: true,
          describe: 'The bundle directory (--evidence-dir)',
        })
        .options({
          'pub-key': {
            type: 'string',
            describe:
              'ed25519 public key (PEM) the bundle must be signed with; default: the key inside the bundle',
          },
          format: { type: 'string', choices: ['text', 'json'], default: 'text', describe: 'Output format' },
        })
        .example('$0 verify evidence/', 'exit 0 when intact, 1 when anything was altered, removed or added')
        .example('$0 verify evidence/ --pub-key manifest.pub.pem', 'also prove who signed it'),
    handler: (argv: unknown) => setExit(runVerify(argv as VerifyArgs, io)),
  };
}
