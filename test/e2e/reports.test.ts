import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPORT_FILE_NAMES } from '../../src/cli/outputs.js';
import type { ResultsDocument } from '../../src/core/types.js';
import { REPORTERS } from '../../src/reporters/index.js';
import { runCli } from '../support/cli.js';
import { REPORT_FIXTURE } from '../support/reports.js';
import { schemaErrors, schemaUnavailable, sharedSchema } from '../support/shared-schemas.js';

const FORMATS = ['json', 'sarif', 'junit', 'csv', 'oscal', 'text'];

describe('CLI: several formats, --out and report --from', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'rampart-reports-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('registers the interchange formats and names each output file', () => {
    for (const id of ['sarif', 'junit', 'csv', 'oscal']) expect(REPORTERS.has(id), id).to.equal(true);
    expect(REPORT_FILE_NAMES).to.include({
      json: 'rampart-results.json',
      html: 'rampart-report.html',
      pdf: 'rampart-report.pdf',
      sarif: 'rampart-results.sarif',
      junit: 'rampart-junit.xml',
      csv: 'rampart-findings.csv',
      oscal: 'rampart-oscal-assessment-results.json',
    });
  });

  describe('demo --format <list> --out <dir>', () => {
    let out: string;
    let run: { code: number; stdout: string; stderr: string };
    before(async () => {
      out = join(tmp, 'demo-out');
      run = await runCli([
        'demo',
        '--format',
        FORMATS.join(','),
        '--out',
        out,
        '--assessor',
        'Jane Q. Auditor',
        '--classification',
        'CONFIDENTIAL',
      ]);
    });

    it('writes one file per format and nothing on stdout', () => {
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.equal('');
      expect(readdirSync(out).sort()).to.deep.equal(FORMATS.map((f) => REPORT_FILE_NAMES[f]!).sort());
      for (const f of FORMATS)
        expect(run.stderr).to.include(`wrote ${f} report to ${join(out, REPORT_FILE_NAMES[f]!)}`);
      const doc = JSON.parse(readFileSync(join(out, 'rampart-results.json'), 'utf8')) as ResultsDocument;
      expect(doc.results).to.have.length(117);
      expect(readFileSync(join(out, 'rampart-report.txt'), 'utf8'), 'no colour in files').not.to.include(
        '\u001b[',
      );
      expect(readFileSync(join(out, 'rampart-findings.csv'), 'utf8')).to.match(
        /^target,target_id,benchmark,/,
      );
      expect(readFileSync(join(out, 'rampart-junit.xml'), 'utf8')).to.match(/^<\?xml /);
    });

    it('passes --assessor and --classification to the reports', () => {
      const oscal = readFileSync(join(out, 'rampart-oscal-assessment-results.json'), 'utf8');
      expect(oscal).to.include('"name": "Jane Q. Auditor"');
      expect(oscal).to.match(/"name": "marking",\s+"value": "CONFIDENTIAL"/);
    });

    const why = schemaUnavailable('sarif') ?? schemaUnavailable('oscal');
    it(`writes SARIF and OSCAL that validate against the official schemas${why ? ` (SKIPPED: ${why})` : ''}`, function () {
      if (why) {
        console.log(`      skipping schema validation: ${why}`);
        this.skip();
      }
      for (const [which, file] of [
        ['sarif', 'rampart-results.sarif'],
        ['oscal', 'rampart-oscal-assessment-results.json'],
      ] as const) {
        const validate = sharedSchema(which);
        expect(validate(JSON.parse(readFileSync(join(out, file), 'utf8'))), schemaErrors(validate)).to.equal(
          true,
        );
      }
    });

    it('report --from re-renders the saved results byte for byte, without scanning', async () => {
      const again = join(tmp, 'from-out');
      const r = await runCli([
        'report',
        '--from',
        join(out, 'rampart-results.json'),
        '--format',
        FORMATS.join(','),
        '--out',
        again,
        '--assessor',
        'Jane Q. Auditor',
        '--classification',
        'CONFIDENTIAL',
      ]);
      expect(r.code, r.stderr).to.equal(0);
      for (const f of FORMATS) {
        const name = REPORT_FILE_NAMES[f]!;
        expect(readFileSync(join(again, name)).equals(readFileSync(join(out, name))), name).to.equal(true);
      }
    });
  });

  it('keeps the single-format behaviour: stdout, or --output <file>', async () => {
    const csv = await runCli(['report', '--from', REPORT_FIXTURE, '--format', 'csv']);
    expect(csv.code).to.equal(0);
    expect(csv.stdout).to.match(/^target,target_id,/);
    const file = join(tmp, 'one.sarif');
    const sarif = await runCli(['report', '--from', REPORT_FIXTURE, '--format', 'sarif', '-o', file]);
    expect(sarif.code).to.equal(0);
    expect(sarif.stdout).to.equal('');
    expect(JSON.parse(readFileSync(file, 'utf8'))).to.have.property('version', '2.1.0');
    const text = await runCli(['report', '--from', REPORT_FIXTURE]);
    expect(text.stdout).to.include('Containers do not run in privileged mode');
  });

  it('report --fail-on gates on the saved results like scan does', async () => {
    const r = await runCli(['report', '--from', REPORT_FIXTURE, '--format', 'json', '--fail-on', 'critical']);
    expect(r.code).to.equal(1);
  });

  describe('usage errors exit 2 before anything is written', () => {
    const cases: [string, string[], RegExp][] = [
      ['several formats without --out', ['--format', 'json,csv'], /2 formats need an output directory/],
      ['--out with --output', ['--format', 'json', '--out', 'x', '--output', 'y.json'], /cannot be combined/],
      [
        '--output with several formats',
        ['--format', 'json,csv', '--output', 'y.json'],
        /--output takes one format/,
      ],
      ['an unknown format', ['--format', 'json,docx', '--out', 'x'], /unknown format "docx"/],
      ['an empty format list', ['--format', ','], /no output format/],
    ];
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const dir = mkdtempSync(join(tmp, 'usage-'));
        const r = await runCli(['report', '--from', REPORT_FIXTURE, ...args], { cwd: dir });
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stderr).to.match(message);
        expect(readdirSync(dir)).to.deep.equal([]);
      });
    }
  });

  describe('report --from validates its input', () => {
    it('names the file and line of a JSON syntax error', async () => {
      const bad = join(tmp, 'syntax.json');
      writeFileSync(bad, '{\n  "schemaVersion": "1.0.0",\n  "tool": {"name": "rampart"},\n}\n');
      const r = await runCli(['report', '--from', bad, '--format', 'sarif', '--out', join(tmp, 'never')]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include(`${bad}:4: not valid JSON`);
      expect(existsSync(join(tmp, 'never'))).to.equal(false);
    });

    it('names the file, line and path of every schema problem', async () => {
      const doc = JSON.parse(readFileSync(REPORT_FIXTURE, 'utf8')) as Record<string, unknown> & {
        results: Record<string, unknown>[];
      };
      doc.results[2]!.status = 'maybe';
      delete doc.tool;
      const bad = join(tmp, 'schema.json');
      writeFileSync(bad, JSON.stringify(doc, null, 2));
      const r = await runCli(['report', '--from', bad]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include(`${bad}: not a valid Rampart results document`);
      expect(r.stderr).to.match(new RegExp(`${bad}:1: /: missing required key "tool"`));
      expect(r.stderr).to.match(new RegExp(`${bad}:\\d+: /results/2/status: invalid value`));
    });

    it('says when the file cannot be read', async () => {
      const r = await runCli(['report', '--from', join(tmp, 'missing.json')]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include('cannot read results file (ENOENT)');
    });

    it('requires --from', async () => {
      const r = await runCli(['report', '--format', 'csv']);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/--from/);
    });
  });
});
