import { expect } from 'chai';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoDefaults } from '../../src/cli/commands/demo.js';
import type { ResultsDocument } from '../../src/core/types.js';
import { schemaValidator } from '../../src/definitions/schemas.js';
import type { Manifest } from '../../src/evidence/bundle.js';
import { runCli } from '../support/cli.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('evidence bundle and rampart verify', () => {
  let tmp: string;
  let bundle: string;
  let keyFile: string;
  let pubFile: string;
  let otherPub: string;
  let otherKey: ReturnType<typeof generateKeyPairSync>['privateKey'];
  let run: { code: number; stdout: string; stderr: string };

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'rampart-evidence-'));
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    keyFile = join(tmp, 'key.pem');
    pubFile = join(tmp, 'key.pub.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(pubFile, publicKey.export({ type: 'spki', format: 'pem' }));
    const other = generateKeyPairSync('ed25519');
    otherKey = other.privateKey;
    otherPub = join(tmp, 'other.pub.pem');
    writeFileSync(otherPub, other.publicKey.export({ type: 'spki', format: 'pem' }));
    bundle = join(tmp, 'bundle');
    run = await runCli([
      'demo',
      '--format',
      'sarif,csv,junit',
      '--evidence-dir',
      bundle,
      '--sign-key',
      keyFile,
    ]);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  /** A fresh copy of the sealed bundle to tamper with. */
  const copy = (name: string) => {
    const dir = join(tmp, name);
    cpSync(bundle, dir, { recursive: true });
    return dir;
  };

  it('holds the facts, the results, every report and a signed manifest of SHA-256 digests', () => {
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.match(/wrote evidence bundle to .* \(5 files, signed\)/);
    expect(readdirSync(bundle).sort()).to.deep.equal([
      'facts.json',
      'manifest.json',
      'manifest.pub.pem',
      'manifest.sig',
      'reports',
      'results.json',
    ]);
    expect(readdirSync(join(bundle, 'reports')).sort()).to.deep.equal([
      'rampart-findings.csv',
      'rampart-junit.xml',
      'rampart-results.sarif',
    ]);
    const manifestBytes = readFileSync(join(bundle, 'manifest.json'));
    const manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
    expect(schemaValidator('evidence-manifest')(manifest)).to.equal(true);
    expect(manifest.tool.name).to.equal('rampart');
    expect(manifest.targets[0]!.name).to.equal('pay-gw-prod-01');
    expect(manifest.files.map((f) => f.path)).to.deep.equal([
      'facts.json',
      'reports/rampart-findings.csv',
      'reports/rampart-junit.xml',
      'reports/rampart-results.sarif',
      'results.json',
    ]);
    for (const f of manifest.files) {
      const bytes = readFileSync(join(bundle, f.path));
      expect(f.sha256, f.path).to.equal(sha(bytes));
      expect(f.size, f.path).to.equal(bytes.length);
    }
    const results = JSON.parse(readFileSync(join(bundle, 'results.json'), 'utf8')) as ResultsDocument;
    expect(results.results).to.have.length(117);
    expect(readFileSync(join(bundle, 'manifest.sig'), 'utf8')).to.match(/^[A-Za-z0-9+/]+=*\n$/);
    expect(readFileSync(join(bundle, 'manifest.pub.pem'), 'utf8')).to.equal(readFileSync(pubFile, 'utf8'));
  });

  it('keeps the fact set that was evaluated: scanning it again gives the same results', async () => {
    const demo = demoDefaults();
    const again = await runCli([
      'scan',
      '--facts',
      join(bundle, 'facts.json'),
      '--scope',
      demo.scope,
      '--waivers',
      demo.waivers,
      '--attestations',
      demo.attestations,
      '--as-of',
      demo['as-of'],
      '--format',
      'json',
    ]);
    expect(again.code, again.stderr).to.equal(0);
    const a = JSON.parse(again.stdout) as ResultsDocument;
    const b = JSON.parse(readFileSync(join(bundle, 'results.json'), 'utf8')) as ResultsDocument;
    expect(a.results).to.deep.equal(b.results);
  });

  it('verify: exit 0 and INTACT for the untouched bundle, with or without --pub-key', async () => {
    const r = await runCli(['verify', bundle]);
    expect(r.code, r.stdout).to.equal(0);
    expect(r.stdout).to.include('INTACT: 5 file(s) match the manifest and the signature holds');
    expect(r.stdout).to.match(/signature: valid \(ed25519 key sha256:[0-9a-f]{16}…, bundle\)/);
    expect(r.stdout).to.include('pass --pub-key');
    const withKey = await runCli(['verify', bundle, '--pub-key', pubFile]);
    expect(withKey.code).to.equal(0);
    expect(withKey.stdout).to.match(/signature: valid .*, given\)/);
  });

  it('verify: a changed byte is named ALTERED, exit 1', async () => {
    const dir = copy('changed');
    const file = join(dir, 'reports', 'rampart-findings.csv');
    const bytes = readFileSync(file);
    bytes[100] = bytes[100]! ^ 0x01;
    writeFileSync(file, bytes);
    const r = await runCli(['verify', dir]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/ALTERED\s+reports\/rampart-findings\.csv: sha256 [0-9a-f]{64}/);
    expect(r.stdout).to.include('NOT INTACT: 1 altered');
    expect(r.stdout).to.match(/OK\s+facts\.json/);
  });

  it('verify: a removed file is MISSING and an added file EXTRA, exit 1', async () => {
    const dir = copy('removed-added');
    unlinkSync(join(dir, 'facts.json'));
    writeFileSync(join(dir, 'reports', 'notes.txt'), 'added later\n');
    const r = await runCli(['verify', dir]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/MISSING\s+facts\.json/);
    expect(r.stdout).to.match(/EXTRA\s+reports\/notes\.txt: not in the manifest/);
    expect(r.stdout).to.include('NOT INTACT: 1 missing, 1 extra');
  });

  it('verify: a re-written manifest no longer matches its signature, exit 1', async () => {
    const dir = copy('rewritten');
    appendFileSync(join(dir, 'results.json'), ' ');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const entry = manifest.files.find((f) => f.path === 'results.json')!;
    const bytes = readFileSync(join(dir, 'results.json'));
    entry.sha256 = sha(bytes);
    entry.size = bytes.length;
    writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const r = await runCli(['verify', dir]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/OK\s+results\.json/);
    expect(r.stdout).to.include('signature: INVALID');
    expect(r.stdout).to.include('NOT INTACT: signature invalid');
  });

  it('verify: a bad signature, or one from another key, fails; so does a missing one under --pub-key', async () => {
    const forged = copy('forged');
    const manifestBytes = readFileSync(join(forged, 'manifest.json'));
    writeFileSync(
      join(forged, 'manifest.sig'),
      `${sign(null, manifestBytes, otherKey).toString('base64')}\n`,
    );
    const bad = await runCli(['verify', forged]);
    expect(bad.code).to.equal(1);
    expect(bad.stdout).to.include('signature: INVALID');

    const otherSigner = await runCli(['verify', bundle, '--pub-key', otherPub]);
    expect(otherSigner.code).to.equal(1);
    expect(otherSigner.stdout).to.include('signature: INVALID');
    expect(otherSigner.stdout).to.include(
      'manifest.pub.pem in the bundle is not the key given with --pub-key',
    );

    const unsigned = copy('unsigned');
    unlinkSync(join(unsigned, 'manifest.sig'));
    const plain = await runCli(['verify', unsigned]);
    expect(plain.code, 'an unsigned bundle can still be intact').to.equal(0);
    expect(plain.stdout).to.include('signature: none');
    const demanded = await runCli(['verify', unsigned, '--pub-key', pubFile]);
    expect(demanded.code).to.equal(1);
    expect(demanded.stdout).to.include('signature: MISSING');
  });

  it('verify: a missing or broken manifest is not intact; a missing directory is a usage error', async () => {
    const dir = copy('no-manifest');
    unlinkSync(join(dir, 'manifest.json'));
    const r = await runCli(['verify', dir]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include('PROBLEM  manifest.json: cannot read (ENOENT)');
    const broken = copy('broken-manifest');
    writeFileSync(join(broken, 'manifest.json'), '{"files": [{"path": "../../etc/passwd"}]}');
    const b = await runCli(['verify', broken]);
    expect(b.code).to.equal(1);
    expect(b.stdout).to.include('PROBLEM  manifest.json');
    const none = await runCli(['verify', join(tmp, 'nowhere')]);
    expect(none.code).to.equal(2);
    expect(none.stderr).to.include('no such evidence directory');
  });

  it('verify --format json reports every file', async () => {
    const r = await runCli(['verify', bundle, '--format', 'json']);
    expect(r.code).to.equal(0);
    const out = JSON.parse(r.stdout) as {
      intact: boolean;
      files: { state: string }[];
      signature: { state: string };
    };
    expect(out.intact).to.equal(true);
    expect(out.files).to.have.length(5);
    expect(out.signature.state).to.equal('valid');
  });

  describe('bundle options fail fast (exit 2, nothing collected or written)', () => {
    it('refuses a non-empty evidence directory', async () => {
      const r = await runCli(['demo', '--format', 'json', '--evidence-dir', bundle]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include('evidence directory is not empty');
      expect(r.stdout).to.equal('');
    });

    it('refuses a signing key that is not ed25519, or missing', async () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const rsaFile = join(tmp, 'rsa.pem');
      writeFileSync(rsaFile, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const r = await runCli(['demo', '--evidence-dir', join(tmp, 'rsa-bundle'), '--sign-key', rsaFile]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include('the signing key is rsa, not ed25519');
      const missing = await runCli([
        'demo',
        '--evidence-dir',
        join(tmp, 'x-bundle'),
        '--sign-key',
        join(tmp, 'no.pem'),
      ]);
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.include('cannot read signing key (ENOENT)');
      expect(readdirSync(tmp)).not.to.include.members(['rsa-bundle', 'x-bundle']);
    });

    it('--sign-key needs --evidence-dir', async () => {
      const r = await runCli(['demo', '--sign-key', keyFile]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include('--sign-key signs an evidence bundle');
    });
  });

  it('writes an unsigned bundle of several formats without --out (the bundle is the only output)', async () => {
    const dir = join(tmp, 'plain');
    const r = await runCli(['demo', '--format', 'json,oscal', '--evidence-dir', dir]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout, 'several formats, no --out: the bundle is the only output').to.equal('');
    expect(readdirSync(join(dir, 'reports')).sort()).to.deep.equal([
      'rampart-oscal-assessment-results.json',
      'rampart-results.json',
    ]);
    expect(readdirSync(dir)).not.to.include('manifest.sig');
    expect((await runCli(['verify', dir])).code).to.equal(0);
  });
});
