import type { Control, LoadedBenchmark } from '../core/types.js';
import { UsageError } from '../core/errors.js';

export interface Selection {
  /** Benchmark ids, optionally with @version. Empty = every benchmark for the target kind. */
  benchmarks?: string[];
  /** Include/exclude patterns: "5.5", "5.*", "!5.7", "cis-docker@1.6.0/2.*". */
  controls?: string[];
  /** Highest profile level to include. */
  level?: number;
}

function globToRegex(glob: string): RegExp {
  const escaped = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

export function matchesBenchmark(b: Pick<LoadedBenchmark, 'id' | 'version'>, spec: string): boolean {
  const [id, version] = spec.split('@');
  return b.id === id && (!version || b.version === version);
}

export function selectBenchmarks(
  all: LoadedBenchmark[],
  targetKind: string,
  sel: Selection,
): LoadedBenchmark[] {
  let chosen = all.filter((b) => b.target === targetKind);
  if (sel.benchmarks?.length) {
    for (const spec of sel.benchmarks) {
      if (!all.some((b) => matchesBenchmark(b, spec))) {
        throw new UsageError(
          `unknown benchmark "${spec}"`,
          `available: ${all.map((b) => `${b.id}@${b.version}`).join(', ')}`,
        );
      }
    }
    chosen = chosen.filter((b) => sel.benchmarks?.some((spec) => matchesBenchmark(b, spec)));
  }
  return chosen;
}

/** Filters a benchmark's controls by level and include/exclude patterns (exclusions start with "!"). */
export function selectControls(benchmark: LoadedBenchmark, sel: Selection): Control[] {
  const patterns = (sel.controls ?? [])
    .flatMap((p) => p.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  const includes = patterns.filter((p) => !p.startsWith('!')).map(globToRegex);
  const excludes = patterns.filter((p) => p.startsWith('!')).map((p) => globToRegex(p.slice(1)));
  const ref = (c: Control) => `${benchmark.id}@${benchmark.version}/${c.id}`;
  const hit = (res: RegExp[], c: Control) => res.some((re) => re.test(c.id) || re.test(ref(c)));
  return benchmark.ordered.filter(
    (c) =>
      (sel.level === undefined || c.level <= sel.level) &&
      (includes.length === 0 || hit(includes, c)) &&
      !hit(excludes, c),
  );
}
