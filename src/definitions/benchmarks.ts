/**
 * Loads and validates benchmark directories. Every problem is reported at once with file, line and path;
 * nothing is silently dropped (unknown keys and operators are errors).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { KNOWN_FACTS } from '../core/facts.js';
import { packageRoot } from '../core/paths.js';
import type { Benchmark, Condition, Control, LoadedBenchmark } from '../core/types.js';
import { CHECKS } from '../evaluator/checks.js';
import { OPERATORS, parseMode } from '../evaluator/operators.js';
import { parsePath, PathSyntaxError } from '../evaluator/path.js';
import { describeAjvErrors, inlineValidator, schemaValidator } from './schemas.js';
import { lineOf, parseYamlFile, type ParsedYaml, type Problem } from './yaml.js';

export interface LoadOutcome {
  /** Set only when there are no problems. */
  benchmark?: LoadedBenchmark;
  /** The controls that did load, even when others have problems (for `rampart test` while editing). */
  partial?: LoadedBenchmark;
  problems: Problem[];
}

function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

function schemaProblems(parsed: ParsedYaml, schema: string): Problem[] {
  const validate = schemaValidator(schema);
  if (validate(parsed.data)) return [];
  return describeAjvErrors(validate.errors).map((e) => ({
    file: parsed.file,
    line: lineOf(parsed, e.pointer, e.key),
    path: e.key ? `${e.pointer}/${e.key}` : e.pointer || '/',
    message: e.message,
  }));
}

/** Semantic checks the schema cannot express: paths parse, regexes compile, operator value types. */
function conditionProblems(cond: Condition, pointer: string, parsed: ParsedYaml, out: Problem[]): void {
  const add = (ptr: string, message: string) =>
    out.push({ file: parsed.file, line: lineOf(parsed, ptr), path: ptr, message });
  const checkPath = (p: string, ptr: string) => {
    try {
      parsePath(p);
    } catch (err) {
      if (err instanceof PathSyntaxError) add(ptr, err.message);
      else throw err;
    }
  };
  if ('field' in cond) {
    checkPath(cond.field, `${pointer}/field`);
    const op = OPERATORS.get(cond.op);
    if (!op) return; // reported by the schema
    const v = cond.value;
    const has = 'value' in cond;
    if (op.value === 'none' && has) add(`${pointer}/value`, `operator "${cond.op}" takes no value`);
    if (op.value !== 'none' && !has) add(pointer, `operator "${cond.op}" needs a value`);
    if (!has) return;
    if (op.value === 'list' && !Array.isArray(v))
      add(`${pointer}/value`, `operator "${cond.op}" needs a list value`);
    if (
      op.value === 'number' &&
      !(typeof v === 'number' || (typeof v === 'string' && Number.isFinite(Number(v))))
    )
      add(`${pointer}/value`, `operator "${cond.op}" needs a number`);
    if (op.value === 'regex') {
      try {
        new RegExp(String(v));
      } catch (err) {
        add(`${pointer}/value`, `invalid regular expression: ${(err as Error).message}`);
      }
    }
    if (op.value === 'mode' && parseMode(v) === undefined)
      add(`${pointer}/value`, `operator "${cond.op}" needs an octal mode string such as "0644"`);
    if (
      op.value === 'owner' &&
      !(typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')))
    )
      add(`${pointer}/value`, `operator "${cond.op}" needs "user:group" or a list of them`);
    return;
  }
  if ('all' in cond)
    return cond.all.forEach((c, i) => conditionProblems(c, `${pointer}/all/${i}`, parsed, out));
  if ('any' in cond)
    return cond.any.forEach((c, i) => conditionProblems(c, `${pointer}/any/${i}`, parsed, out));
  if ('not' in cond) return conditionProblems(cond.not, `${pointer}/not`, parsed, out);
  for (const q of ['every', 'some', 'none'] as const) {
    if (q in cond) {
      const c = cond as unknown as Record<string, unknown>;
      checkPath(String(c[q]), `${pointer}/${q}`);
      conditionProblems(c.test as Condition, `${pointer}/test`, parsed, out);
      return;
    }
  }
  if ('check' in cond) {
    const check = CHECKS.get(cond.check);
    if (!check) return; // reported by the schema
    const validate = inlineValidator(check.options);
    if (!validate(cond.with ?? {})) {
      for (const e of describeAjvErrors(validate.errors)) {
        const ptr = `${pointer}/with${e.pointer}`;
        out.push({
          file: parsed.file,
          line: lineOf(parsed, ptr, e.key),
          path: e.key ? `${ptr}/${e.key}` : ptr,
          message: `check "${cond.check}": ${e.message}`,
        });
      }
    }
  }
}

function controlProblems(control: Control, parsed: ParsedYaml, knownFacts: ReadonlySet<string>): Problem[] {
  const out: Problem[] = [];
  const add = (ptr: string, message: string) =>
    out.push({ file: parsed.file, line: lineOf(parsed, ptr), path: ptr, message });
  const fileName = basename(parsed.file);
  if (!fileName.startsWith(`${control.id}-`) && fileName !== `${control.id}.yaml`) {
    add('/id', `file name must start with the control id ("${control.id}-<slug>.yaml")`);
  }
  control.facts.forEach((f, i) => {
    if (!knownFacts.has(f)) add(`/facts/${i}`, `unknown fact "${f}" (known: ${[...knownFacts].join(', ')})`);
  });
  if (control.given) {
    try {
      parsePath(control.given);
    } catch (err) {
      add('/given', (err as Error).message);
    }
  }
  if (control.where) conditionProblems(control.where, '/where', parsed, out);
  control.requires?.forEach((r, i) => conditionProblems(r.when, `/requires/${i}/when`, parsed, out));
  if (control.test) conditionProblems(control.test, '/test', parsed, out);
  if (control.applies) {
    conditionProblems(control.applies.when, '/applies/when', parsed, out);
    if (!control.facts.includes(control.applies.fact))
      add('/applies/fact', `"${control.applies.fact}" must also be listed in facts`);
  }
  if (control.assessment === 'automated') {
    if (!control.facts?.length) add('/', 'an automated control needs at least one fact in facts');
    if (!control.test) add('/', 'an automated control needs a test');
    if (!control.tests?.pass?.length) add('/tests', 'an automated control needs at least one pass case');
    if (!control.tests?.fail?.length) add('/tests', 'an automated control needs at least one fail case');
  } else {
    if (control.test) add('/test', 'a manual control has no test; list evidence paths instead');
    if (control.tests?.pass?.length || control.tests?.fail?.length)
      add('/tests', 'a manual control cannot pass or fail; use `other` cases expecting manual');
  }
  for (const list of ['pass', 'fail', 'other'] as const) {
    control.tests?.[list]?.forEach((c, i) => {
      for (const key of Object.keys(c.facts)) {
        if (!control.facts.includes(key))
          add(`/tests/${list}/${i}/facts/${key}`, `fact "${key}" is not listed in facts`);
      }
    });
  }
  return out;
}

export function loadControlFile(
  file: string,
  knownFacts: ReadonlySet<string> = KNOWN_FACTS,
): {
  control?: Control;
  problems: Problem[];
} {
  const parsed = parseYamlFile(file);
  parsed.file = display(file);
  for (const p of parsed.problems) p.file = parsed.file;
  if (parsed.problems.length) return { problems: parsed.problems };
  const problems = schemaProblems(parsed, 'control');
  if (problems.length) return { problems };
  const raw = parsed.data as Control;
  const control: Control = { ...raw, facts: raw.facts ?? [], scored: raw.scored ?? true, file: parsed.file };
  const semantic = controlProblems(control, parsed, knownFacts);
  return semantic.length ? { problems: semantic } : { control, problems: [] };
}

/** Loads one benchmark directory (holding benchmark.yaml and controls/). */
export function loadBenchmarkDir(dir: string, knownFacts: ReadonlySet<string> = KNOWN_FACTS): LoadOutcome {
  const problems: Problem[] = [];
  const benchFile = join(dir, 'benchmark.yaml');
  const parsed = parseYamlFile(benchFile);
  parsed.file = display(benchFile);
  for (const p of parsed.problems) p.file = parsed.file;
  if (parsed.problems.length) return { problems: parsed.problems };
  const benchProblems = schemaProblems(parsed, 'benchmark');
  if (benchProblems.length) return { problems: benchProblems };
  const bench = parsed.data as Benchmark;

  const listed = new Map<string, number>();
  bench.controls.forEach((id, i) => {
    if (listed.has(id)) {
      problems.push({
        file: parsed.file,
        line: lineOf(parsed, `/controls/${i}`),
        path: `/controls/${i}`,
        message: `control "${id}" is listed twice`,
      });
    }
    listed.set(id, i);
  });

  const controlsDir = join(dir, 'controls');
  const files = existsSync(controlsDir)
    ? readdirSync(controlsDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];
  const byId = new Map<string, Control>();
  for (const f of files) {
    const res = loadControlFile(join(controlsDir, f), knownFacts);
    problems.push(...res.problems);
    const control = res.control;
    if (!control) continue;
    const prev = byId.get(control.id);
    if (prev) {
      problems.push({
        file: control.file ?? f,
        path: '/id',
        message: `duplicate control id "${control.id}" (also in ${prev.file})`,
      });
      continue;
    }
    byId.set(control.id, control);
    if (!listed.has(control.id)) {
      problems.push({
        file: control.file ?? f,
        path: '/id',
        message: `control "${control.id}" is not listed in ${parsed.file}`,
      });
    }
  }
  // Only report a listed control as missing when its file did not merely fail to load.
  const failedIds = new Set(files.map((f) => f.split('-')[0] ?? ''));
  for (const [id, i] of listed) {
    if (!byId.has(id) && !failedIds.has(id)) {
      problems.push({
        file: parsed.file,
        line: lineOf(parsed, `/controls/${i}`),
        path: `/controls/${i}`,
        message: `control "${id}" has no file under ${display(controlsDir)}`,
      });
    }
  }
  const ordered = bench.controls.map((id) => byId.get(id)).filter((c): c is Control => c !== undefined);
  const loaded: LoadedBenchmark = { ...bench, dir, controlsById: byId, ordered };
  if (problems.length) return { partial: loaded, problems };
  return { benchmark: loaded, partial: loaded, problems };
}

/** Directories of the bundled benchmarks: benchmarks/<id>/<version>/. */
export function bundledBenchmarkDirs(): string[] {
  const root = join(packageRoot(), 'benchmarks');
  if (!existsSync(root)) return [];
  const dirs: string[] = [];
  for (const id of readdirSync(root).sort()) {
    const idDir = join(root, id);
    if (!statSync(idDir).isDirectory()) continue;
    for (const version of readdirSync(idDir).sort()) {
      const d = join(idDir, version);
      if (existsSync(join(d, 'benchmark.yaml'))) dirs.push(d);
    }
  }
  return dirs;
}

/** Finds benchmark directories under a path: the path itself or any descendant holding benchmark.yaml. */
export function findBenchmarkDirs(path: string): string[] {
  if (existsSync(join(path, 'benchmark.yaml'))) return [path];
  if (!existsSync(path) || !statSync(path).isDirectory()) return [];
  const out: string[] = [];
  for (const entry of readdirSync(path).sort()) {
    const child = join(path, entry);
    if (statSync(child).isDirectory() && entry !== 'node_modules') out.push(...findBenchmarkDirs(child));
  }
  return out;
}
