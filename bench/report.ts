/**
 * Report rendering cost: the demo host's containers replicated until the assessment holds at least 5,000
 * findings (with the demo's scope, waivers and attestations, so every report section is populated), then
 * rendered to HTML and to PDF. Prints wall time and file size of each; targets: HTML < 3 s, PDF < 30 s.
 * Needs Debian's chromium for the PDF (skipped, and said so, without it). Run alone with
 * `node --import tsx bench/report.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoDefaults, demoFactsPath, DEMO_DAY } from '../src/cli/commands/demo.js';
import { loadGovernance } from '../src/cli/governance.js';
import type { FactSet, JsonValue, LoadedBenchmark, ResultsDocument } from '../src/core/types.js';
import { bundledBenchmarkDirs, loadBenchmarkDir } from '../src/definitions/benchmarks.js';
import { readFactSet } from '../src/definitions/factset.js';
import { assess } from '../src/evaluator/assess.js';
import { renderHtml } from '../src/reporters/html.js';
import { findChromium, renderPdf } from '../src/reporters/pdf.js';
import { finalize } from '../src/scoring/finalize.js';

function withContainers(base: FactSet, n: number): FactSet {
  const target = base.targets[0]!;
  const containers = (target.facts['docker.containers'] as JsonValue[]) ?? [];
  const many: JsonValue[] = [];
  for (let i = 0; i < n; i++) {
    const c = containers[i % containers.length] as Record<string, JsonValue>;
    many.push({
      ...c,
      Id: `${i.toString(16).padStart(12, '0')}${String(c.Id).slice(12)}`,
      Name: i < containers.length ? c.Name! : `${String(c.Name)}-${i}`,
    });
  }
  return { ...base, targets: [{ ...target, facts: { ...target.facts, 'docker.containers': many } }] };
}

function findingsOf(doc: ResultsDocument): number {
  return doc.results.reduce((s, r) => s + r.findings.length, 0);
}

/** An assessment of the demo estate with at least `minFindings` findings. */
export function syntheticAssessment(minFindings = 5_000): ResultsDocument {
  const benchmarks = bundledBenchmarkDirs()
    .map((dir) => loadBenchmarkDir(dir).benchmark)
    .filter((b): b is LoadedBenchmark => b?.id === 'cis-docker');
  const governance = loadGovernance(demoDefaults(), benchmarks, process.cwd());
  const base = readFactSet(demoFactsPath());
  const build = (n: number): ResultsDocument => {
    const facts = withContainers(base, n);
    const evaluated = assess(facts, benchmarks, { startedAt: new Date(`${DEMO_DAY}T09:00:00Z`) });
    return finalize(evaluated, facts, { ...governance, today: DEMO_DAY });
  };
  const baseCount = ((base.targets[0]!.facts['docker.containers'] as JsonValue[]) ?? []).length || 1;
  const small = build(baseCount);
  const bigger = build(baseCount * 2);
  const perContainer = (findingsOf(bigger) - findingsOf(small)) / baseCount;
  let n = Math.max(
    baseCount,
    Math.ceil(baseCount + (minFindings - findingsOf(small)) / Math.max(1, perContainer)),
  );
  let doc = build(n);
  while (findingsOf(doc) < minFindings) doc = build((n += 10));
  return doc;
}

/** Set RAMPART_BENCH_OUT=<dir> to keep the rendered files for a look. */
export async function benchReport(outDir = process.env.RAMPART_BENCH_OUT): Promise<void> {
  const doc = syntheticAssessment();
  const containers = new Set(
    doc.results.flatMap((r) =>
      r.findings.filter((f) => f.resource.kind === 'container').map((f) => f.resource.id),
    ),
  ).size;
  console.log(
    `\nReport rendering: ${findingsOf(doc)} findings, ${doc.results.length} control results, ${containers} containers, ${doc.gaps?.length ?? 0} gaps`,
  );
  console.log(
    'format'.padEnd(8),
    'wall ms'.padStart(9),
    'size KiB'.padStart(10),
    'target'.padStart(8),
    '  note',
  );

  let started = process.hrtime.bigint();
  const html = renderHtml(doc, { color: false, verbose: false, assessor: 'Benchmark run' });
  let ms = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    'html'.padEnd(8),
    ms.toFixed(0).padStart(9),
    (Buffer.byteLength(html) / 1024).toFixed(0).padStart(10),
    '3000'.padStart(8),
    ms < 3000 ? '  ok' : '  OVER TARGET',
  );

  let chromium: string;
  try {
    chromium = findChromium();
  } catch (err) {
    console.log('pdf'.padEnd(8), 'skipped:', (err as Error).message);
    return;
  }
  started = process.hrtime.bigint();
  const { pdf, blockedRequests } = await renderPdf(
    doc,
    { color: false, verbose: false, assessor: 'Benchmark run' },
    { executablePath: chromium },
  );
  ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (outDir) {
    writeFileSync(join(outDir, 'bench-report.html'), html);
    writeFileSync(join(outDir, 'bench-report.pdf'), pdf);
  }
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  console.log(
    'pdf'.padEnd(8),
    ms.toFixed(0).padStart(9),
    (pdf.length / 1024).toFixed(0).padStart(10),
    '30000'.padStart(8),
    `${ms < 30000 ? '  ok' : '  OVER TARGET'} (${pages} pages, ${blockedRequests.length} network requests blocked)`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await benchReport();
