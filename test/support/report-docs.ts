/**
 * Results documents for the report tests: the demo assessment (scope, waivers, attestations and every
 * framework, as `rampart demo` produces it) and a copy with hostile values planted in every field that can
 * come from a target or a governance file.
 */
import { demoDefaults, demoFactsPath, DEMO_DAY } from '../../src/cli/commands/demo.js';
import { loadGovernance } from '../../src/cli/governance.js';
import type { LoadedBenchmark, ResultsDocument } from '../../src/core/types.js';
import { bundledBenchmarkDirs, loadBenchmarkDir } from '../../src/definitions/benchmarks.js';
import { readFactSet } from '../../src/definitions/factset.js';
import { assess } from '../../src/evaluator/assess.js';
import { finalize } from '../../src/scoring/finalize.js';

let demo: ResultsDocument | undefined;

/** The demo assessment (CIS Docker only, so work in progress on other benchmarks cannot break it). */
export function demoResults(): ResultsDocument {
  if (!demo) {
    const benchmarks = bundledBenchmarkDirs()
      .map((dir) => loadBenchmarkDir(dir).benchmark)
      .filter((b): b is LoadedBenchmark => b?.id === 'cis-docker');
    const governance = loadGovernance(demoDefaults(), benchmarks, process.cwd());
    const facts = readFactSet(demoFactsPath());
    const evaluated = assess(facts, benchmarks, {
      startedAt: new Date(`${DEMO_DAY}T09:41:30.000Z`),
      options: { facts: ['demo/docker-host.facts.json'], 'as-of': DEMO_DAY },
    });
    demo = finalize(evaluated, facts, { ...governance, today: DEMO_DAY });
  }
  return structuredClone(demo);
}

export const SCRIPT = '<script>alert(1)</script>';
export const BREAKOUT = '"><img src=x onerror=alert(1)>';
export const JS_URL = 'javascript:alert(1)';
export const SVG_ONLOAD = "'><svg onload=alert(1)>";
export const HOSTILE = [SCRIPT, BREAKOUT, JS_URL, SVG_ONLOAD];

/** The demo results with hostile values in target names, labels, messages, observed values and more. */
export function hostileResults(): ResultsDocument {
  const doc = demoResults();
  const t = doc.targets[0]!;
  t.name = `pay-gw ${SCRIPT}`;
  t.platform = BREAKOUT;
  t.meta = { ...t.meta, address: JS_URL, operatingSystem: SVG_ONLOAD };
  t.errors = { 'docker.plugins': `denied ${SCRIPT} ${BREAKOUT}` };
  doc.options = { ...doc.options, scope: `${BREAKOUT}.yaml`, [`x${SCRIPT}`]: JS_URL };
  let planted = 0;
  for (const r of doc.results) {
    r.reason = `${r.reason} ${SCRIPT}`;
    if (r.remediation) r.remediation = `${r.remediation} Run \`${SCRIPT}\` then ${BREAKOUT}`;
    for (const f of r.findings) {
      if (f.resource.kind !== 'container') continue;
      planted += 1;
      f.resource.name = `${f.resource.name}${BREAKOUT}`;
      f.resource.namespace = SCRIPT;
      f.resource.id = JS_URL;
      f.message = `${f.message} ${SCRIPT} ${JS_URL}`;
      f.observed = {
        'Config.Labels': { [`com.evil${BREAKOUT}`]: JS_URL, 'com.pay.note': SCRIPT },
        'Config.Image': `registry.example/${SVG_ONLOAD}:latest`,
        [`Name${SCRIPT}`]: BREAKOUT,
      };
      if (f.riskFactors) f.riskFactors = [...f.riskFactors, `exposed: ${BREAKOUT}`];
    }
  }
  if (!planted) throw new Error('the demo has no container findings to plant hostile values in');
  for (const g of doc.gaps ?? []) {
    g.examples = g.examples.map((e) => `${e}${BREAKOUT}`);
    g.target = t.name;
  }
  for (const w of doc.waivers ?? []) {
    w.owner = `${w.owner} ${SCRIPT}`;
    w.justification = `${w.justification} ${BREAKOUT}`;
    w.id = `${w.id}${BREAKOUT}`;
    if (w.resource) w.resource = { ...w.resource, name: JS_URL };
  }
  for (const a of doc.attestations ?? []) {
    a.evidence = `${a.evidence} ${SCRIPT}`;
    a.attester = `${a.attester}${BREAKOUT}`;
  }
  const fw = doc.frameworks?.[0];
  if (fw) {
    fw.title = `${fw.title} ${SCRIPT}`;
    const q = fw.requirements[0]!;
    q.id = `${q.id}${BREAKOUT}`;
    q.title = `${q.title} ${SVG_ONLOAD}`;
    q.reason = `${q.reason} ${SCRIPT}`;
    q.evidence.push({
      ref: `cis-docker@1.6.0/${BREAKOUT}`,
      strength: 'direct',
      target: t.id,
      status: 'fail',
    });
  }
  return doc;
}
