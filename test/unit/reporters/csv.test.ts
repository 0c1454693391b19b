import { expect } from 'chai';
import { CSV_COLUMNS, csvCell, renderCsv } from '../../../src/reporters/csv.js';
import { expectGolden } from '../../support/golden.js';
import { reportFixture } from '../../support/reports.js';
import { demoResults } from '../../support/demo-results.js';

/** RFC 4180 reader for the test: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') {
      if (cell) throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else if (c === '\n' || c === '\r') throw new Error(`bare line break at ${i}`);
    else cell += c;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (cell || row.length) throw new Error('last record not terminated by CRLF');
  return rows;
}

describe('CSV reporter', () => {
  const doc = reportFixture();
  const csv = renderCsv(doc);
  const rows = parseCsv(csv);
  const header = rows[0]!;
  const data = rows.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!])));

  it('matches the golden file byte for byte', () => {
    expectGolden('findings.csv', csv);
  });

  it('is RFC 4180: a header, CRLF records, the same number of fields in every record', () => {
    expect(header).to.deep.equal([...CSV_COLUMNS]);
    for (const r of rows) expect(r).to.have.length(CSV_COLUMNS.length);
    const expected = doc.results.reduce((n, r) => n + Math.max(1, r.findings.length), 0);
    expect(data).to.have.length(expected);
    const demo = demoResults();
    expect(parseCsv(renderCsv(demo)).length - 1).to.equal(
      demo.results.reduce((n, r) => n + Math.max(1, r.findings.length), 0),
    );
  });

  it('one row per finding with its evidence; results without findings keep a row with the reason', () => {
    const row = data.find((d) => d.resource_id === 'shop/web')!;
    expect(row).to.deep.include({
      target: 'shop-manifests',
      target_id: 'manifests:/srv/shop',
      benchmark: 'cis-k8s@1.12.0',
      control: '5.2.2',
      severity: 'high',
      level: '1',
      control_status: 'fail',
      resource_kind: 'Pod',
      resource_namespace: 'shop',
      resource_name: 'web',
      source: 'deploy/web app.yaml:12',
      finding_status: 'fail',
      risk: '88',
      observed: '{"spec.containers[0].securityContext.privileged":true}',
      message: 'container "web" runs privileged; @SUM(1+1) -2+3',
    });
    const waived = data.find((d) => d.control === '1.1.2')!;
    expect(waived.waiver).to.equal('W-2024-014 (active, expires 2025-01-31)');
    const manual = data.find((d) => d.control === '1.2.2')!;
    expect(manual).to.deep.include({ resource_kind: '', finding_status: 'manual' });
    expect(manual.message).to.match(/^needs review/);
    const multiline = data.find((d) => d.resource_id === 'c0ffee03')!;
    expect(multiline.resource_name).to.equal('api, "café" ✓\nline2');
  });

  it('neutralises formulas: cells starting with = + - @ tab or CR get a leading quote', () => {
    const row = data.find((d) => d.resource_id === 'c0ffee02')!;
    expect(row.resource_name).to.equal("'=cmd|' /C calc'!A0");
    expect(csvCell('=1+1')).to.equal("'=1+1");
    expect(csvCell('+1')).to.equal("'+1");
    expect(csvCell('-1')).to.equal("'-1");
    expect(csvCell('@SUM(A1)')).to.equal("'@SUM(A1)");
    expect(csvCell('\t=1')).to.equal("'\t=1");
    expect(csvCell('\r=1')).to.equal('"\'\r=1"');
    expect(csvCell('a=1')).to.equal('a=1');
    expect(csvCell('say "hi", then')).to.equal('"say ""hi"", then"');
    expect(csvCell(undefined)).to.equal('');
    expect(csvCell(42)).to.equal('42');
    for (const d of data) for (const v of Object.values(d)) expect(v).not.to.match(/^[=+\-@\t\r]/);
  });
});
