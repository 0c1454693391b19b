/**
 * Evidence bundles: the fact set, the results and every rendered report, with a manifest of SHA-256 digests,
 * optionally signed with ed25519. `verifyBundle` re-checks every digest and the signature and names every
 * altered, missing or extra file. See docs/reports.md.
 */
import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, posix, relative, sep } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { FactSet, ResultsDocument } from '../core/types.js';
import { describeAjvErrors, schemaValidator } from '../definitions/schemas.js';

export const MANIFEST = 'manifest.json';
export const SIGNATURE = 'manifest.sig';
export const PUBLIC_KEY = 'manifest.pub.pem';
/** Files that describe the bundle rather than belong to it. */
const BUNDLE_META = new Set([MANIFEST, SIGNATURE, PUBLIC_KEY]);

export type FileRole = 'facts' | 'results' | 'report';

export interface ManifestEntry {
  path: string;
  sha256: string;
  size: number;
  role?: FileRole;
}

export interface Manifest {
  schemaVersion: string;
  tool: { name: string; version: string };
  createdAt: string;
  assessment?: { startedAt: string; finishedAt: string };
  algorithm: 'sha256';
  targets: { id: string; kind: string; name: string }[];
  files: ManifestEntry[];
}

export interface BundleFile {
  /** Relative path inside the bundle, with forward slashes. */
  path: string;
  content: string | Buffer;
  role: FileRole;
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Reads an ed25519 private key (PEM, PKCS#8); anything else is a usage error naming the file. */
export function loadSigningKey(file: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `${file}: cannot read signing key (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      'pass an ed25519 private key in PEM, e.g. made with: openssl genpkey -algorithm ed25519 -out key.pem',
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    const encrypted = /ENCRYPTED/.test(pem);
    throw new UsageError(
      `${file}: not a usable private key (${encrypted ? 'it is encrypted' : (err as Error).message})`,
      encrypted
        ? 'decrypt it first (openssl pkey -in key.pem -out plain.pem); Rampart does not prompt for passphrases'
        : 'pass an ed25519 private key in PEM, e.g. made with: openssl genpkey -algorithm ed25519 -out key.pem',
    );
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new UsageError(
      `${file}: the signing key is ${key.asymmetricKeyType ?? 'not asymmetric'}, not ed25519`,
      'make one with: openssl genpkey -algorithm ed25519 -out key.pem',
    );
  }
  return key;
}

export function loadPublicKey(file: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `${file}: cannot read public key (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      'pass the manifest.pub.pem the bundle was signed with, kept apart from the bundle',
    );
  }
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${key.asymmetricKeyType ?? 'unknown'} key`);
    return key;
  } catch (err) {
    throw new UsageError(
      `${file}: not an ed25519 public key (${(err as Error).message})`,
      'pass the PEM public key matching the signing key (openssl pkey -in key.pem -pubout)',
    );
  }
}

/** Refuses a bundle directory that already holds files: a stale file would read as tampering later. */
export function checkBundleDir(dir: string): void {
  if (!existsSync(dir)) return;
  let entries: string[];
  try {
    if (!lstatSync(dir).isDirectory()) throw new Error('not a directory');
    entries = readdirSync(dir);
  } catch (err) {
    throw new UsageError(
      `${dir}: cannot use as evidence directory (${(err as Error).message})`,
      'choose a new directory',
    );
  }
  if (entries.length) {
    throw new UsageError(
      `${dir}: evidence directory is not empty`,
      'choose a new directory for each bundle, so nothing stale is sealed into it',
    );
  }
}

/** Writes the files, manifest.json and, with a key, manifest.sig and manifest.pub.pem. Returns the manifest. */
export function writeBundle(
  dir: string,
  files: BundleFile[],
  info: { doc: ResultsDocument; createdAt?: Date; signKey?: KeyObject },
): Manifest {
  checkBundleDir(dir);
  const seen = new Set<string>();
  const entries: ManifestEntry[] = [];
  try {
    mkdirSync(dir, { recursive: true });
    for (const f of files) {
      if (seen.has(f.path) || BUNDLE_META.has(f.path)) throw new Error(`duplicate bundle path ${f.path}`);
      seen.add(f.path);
      const abs = join(dir, ...f.path.split('/'));
      mkdirSync(join(abs, '..'), { recursive: true });
      const bytes = typeof f.content === 'string' ? Buffer.from(f.content, 'utf8') : f.content;
      writeFileSync(abs, bytes);
      entries.push({ path: f.path, sha256: sha256(bytes), size: bytes.length, role: f.role });
    }
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const manifest: Manifest = {
      schemaVersion: '1.0.0',
      tool: { ...info.doc.tool },
      createdAt: (info.createdAt ?? new Date()).toISOString(),
      assessment: { startedAt: info.doc.startedAt, finishedAt: info.doc.finishedAt },
      algorithm: 'sha256',
      targets: info.doc.targets.map((t) => ({ id: t.id, kind: t.kind, name: t.name })),
      files: entries,
    };
    const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
    writeFileSync(join(dir, MANIFEST), bytes);
    if (info.signKey) {
      writeFileSync(join(dir, SIGNATURE), `${sign(null, bytes, info.signKey).toString('base64')}\n`);
      const pub = createPublicKey(info.signKey).export({ type: 'spki', format: 'pem' });
      writeFileSync(join(dir, PUBLIC_KEY), pub);
    }
    return manifest;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(
      `${dir}: cannot write evidence bundle (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      'choose a writable --evidence-dir',
    );
  }
}

/** The bundle files of a scan: facts, results and the rendered reports under reports/. */
export function bundleFiles(
  facts: FactSet | undefined,
  resultsJson: string,
  reports: { name: string; content: string | Buffer }[],
): BundleFile[] {
  return [
    ...(facts ? [{ path: 'facts.json', content: factsJson(facts), role: 'facts' as const }] : []),
    { path: 'results.json', content: resultsJson, role: 'results' },
    ...reports.map((r) => ({ path: `reports/${r.name}`, content: r.content, role: 'report' as const })),
  ];
}

/** The fact set exactly as the bundle stores it (and as `rampart collect` writes it). */
export function factsJson(facts: FactSet): string {
  return `${JSON.stringify(facts, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

export type FileState = 'ok' | 'altered' | 'missing' | 'extra' | 'invalid';

export interface FileCheck {
  path: string;
  state: FileState;
  detail?: string;
}

export interface VerifyReport {
  intact: boolean;
  manifest?: Manifest;
  /** Problems with manifest.json itself (unreadable, invalid). */
  problems: string[];
  files: FileCheck[];
  signature: {
    state: 'valid' | 'invalid' | 'unsigned' | 'missing';
    keySource?: 'given' | 'bundle';
    /** SHA-256 of the public key's DER (SPKI) that checked the signature. */
    keyFingerprint?: string;
    detail?: string;
  };
  notes: string[];
}

/** Every regular file and symlink under dir, relative, with forward slashes. */
function walk(dir: string, base = dir, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const abs = join(dir, name);
    const st = lstatSync(abs);
    if (st.isDirectory()) walk(abs, base, out);
    else out.push(relative(base, abs).split(sep).join('/'));
  }
  return out;
}

function safeRelative(p: string): boolean {
  if (!p || isAbsolute(p) || p.includes('\\') || p.includes('\0')) return false;
  const norm = posix.normalize(p);
  return norm === p && !norm.startsWith('../') && norm !== '..';
}

export function keyFingerprint(key: KeyObject): string {
  return sha256(key.export({ type: 'spki', format: 'der' }));
}

export function verifyBundle(dir: string, opts: { pubKey?: KeyObject } = {}): VerifyReport {
  if (!existsSync(dir) || !lstatSync(dir).isDirectory()) {
    throw new UsageError(`${dir}: no such evidence directory`, 'pass the directory given to --evidence-dir');
  }
  const report: VerifyReport = {
    intact: false,
    problems: [],
    files: [],
    signature: { state: 'unsigned' },
    notes: [],
  };
  const manifestPath = join(dir, MANIFEST);
  let manifestBytes: Buffer | undefined;
  try {
    manifestBytes = readFileSync(manifestPath);
  } catch (err) {
    report.problems.push(
      `${MANIFEST}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let manifest: Manifest | undefined;
  if (manifestBytes) {
    try {
      const data = JSON.parse(manifestBytes.toString('utf8')) as unknown;
      const validate = schemaValidator('evidence-manifest');
      if (validate(data)) manifest = data as Manifest;
      else {
        for (const e of describeAjvErrors(validate.errors))
          report.problems.push(
            `${MANIFEST}: ${e.key ? `${e.pointer}/${e.key}` : e.pointer || '/'}: ${e.message}`,
          );
      }
    } catch (err) {
      report.problems.push(`${MANIFEST}: not valid JSON (${(err as Error).message})`);
    }
  }
  report.manifest = manifest;

  // Signature first: it covers the manifest, which covers everything else.
  const sigPath = join(dir, SIGNATURE);
  const bundledKeyPath = join(dir, PUBLIC_KEY);
  if (existsSync(sigPath)) {
    const keySource = opts.pubKey ? 'given' : 'bundle';
    let key = opts.pubKey;
    let keyProblem: string | undefined;
    if (!key) {
      if (!existsSync(bundledKeyPath))
        keyProblem = `signed, but no ${PUBLIC_KEY} and no --pub-key to check it`;
      else {
        try {
          key = createPublicKey(readFileSync(bundledKeyPath));
        } catch (err) {
          keyProblem = `${PUBLIC_KEY} is not a public key (${(err as Error).message})`;
        }
      }
    }
    if (!key) {
      report.signature = { state: 'invalid', keySource, detail: keyProblem };
    } else if (!manifestBytes) {
      report.signature = { state: 'invalid', keySource, detail: `signed, but ${MANIFEST} is missing` };
    } else {
      const sig = Buffer.from(readFileSync(sigPath, 'utf8').trim(), 'base64');
      let ok: boolean;
      try {
        ok = key.asymmetricKeyType === 'ed25519' && verify(null, manifestBytes, key, sig);
      } catch {
        ok = false;
      }
      report.signature = {
        state: ok ? 'valid' : 'invalid',
        keySource,
        keyFingerprint: keyFingerprint(key),
        ...(ok ? {} : { detail: `the signature does not match ${MANIFEST} under this key` }),
      };
    }
    if (opts.pubKey && existsSync(bundledKeyPath)) {
      try {
        const bundled = createPublicKey(readFileSync(bundledKeyPath));
        if (keyFingerprint(bundled) !== keyFingerprint(opts.pubKey))
          report.notes.push(`${PUBLIC_KEY} in the bundle is not the key given with --pub-key`);
      } catch {
        report.notes.push(`${PUBLIC_KEY} in the bundle is not a readable public key`);
      }
    }
    if (!opts.pubKey && report.signature.state === 'valid') {
      report.notes.push(
        `checked with the key stored in the bundle: this proves the files match what was signed, not who signed ` +
          `them; pass --pub-key with a copy of the key kept elsewhere to check that too`,
      );
    }
  } else if (opts.pubKey) {
    report.signature = { state: 'missing', detail: `--pub-key was given but the bundle has no ${SIGNATURE}` };
  }

  if (manifest) {
    const listed = new Set<string>();
    for (const entry of manifest.files) {
      if (!safeRelative(entry.path) || BUNDLE_META.has(entry.path)) {
        report.files.push({
          path: entry.path,
          state: 'invalid',
          detail: 'not a plain relative path in the bundle',
        });
        continue;
      }
      listed.add(entry.path);
      const abs = join(dir, ...entry.path.split('/'));
      if (!existsSync(abs)) {
        report.files.push({ path: entry.path, state: 'missing' });
        continue;
      }
      const st = lstatSync(abs);
      if (!st.isFile()) {
        report.files.push({ path: entry.path, state: 'altered', detail: 'no longer a regular file' });
        continue;
      }
      const bytes = readFileSync(abs);
      const digest = sha256(bytes);
      if (digest !== entry.sha256 || bytes.length !== entry.size) {
        report.files.push({
          path: entry.path,
          state: 'altered',
          detail: `sha256 ${digest} (${bytes.length} bytes), manifest says ${entry.sha256} (${entry.size} bytes)`,
        });
      } else report.files.push({ path: entry.path, state: 'ok' });
    }
    for (const path of walk(dir)) {
      if (!listed.has(path) && !BUNDLE_META.has(path))
        report.files.push({ path, state: 'extra', detail: 'not in the manifest' });
    }
  }
  report.intact =
    !report.problems.length &&
    Boolean(manifest) &&
    report.files.every((f) => f.state === 'ok') &&
    (report.signature.state === 'valid' || report.signature.state === 'unsigned');
  return report;
}
