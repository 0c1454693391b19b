import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DefinitionError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';
import type { LoadedBenchmark } from '../core/types.js';
import { loadValidatedYaml } from '../definitions/documents.js';
import { formatProblem, lineOf } from '../definitions/yaml.js';
import { refMatches } from '../governance/match.js';

export type Strength = 'direct' | 'partial' | 'supporting';

export interface MappingRequirement {
  id: string;
  title: string;
  section?: string;
  legacy?: string[];
  attestation?: string;
  controls?: { ref: string; strength: Strength; note?: string }[];
}

export interface Mapping {
  framework: {
    id: string;
    version: string;
    title: string;
    publisher?: string;
    description?: string;
    source?: string;
    legacyVersion?: string;
  };
  requirements: MappingRequirement[];
  file: string;
}

export function bundledMappingFiles(): string[] {
  const root = join(packageRoot(), 'mappings');
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const fw of readdirSync(root).sort()) {
    const dir = join(root, fw);
    if (!statSync(dir).isDirectory()) continue;
    for (const f of readdirSync(dir).sort()) if (/\.ya?ml$/.test(f)) out.push(join(dir, f));
  }
  return out;
}

/** Every control id a ref (with globs) selects in the loaded benchmarks. */
export function expandRef(ref: string, benchmarks: LoadedBenchmark[]): string[] {
  const out: string[] = [];
  for (const b of benchmarks) {
    for (const c of b.ordered) {
      const full = `${b.id}@${b.version}/${c.id}`;
      if (refMatches(ref, full)) out.push(full);
    }
  }
  return out;
}

/** Loads a mapping and checks that ids are unique and every control ref resolves. */
export function loadMapping(file: string, benchmarks: LoadedBenchmark[]): Mapping {
  const { data, parsed } = loadValidatedYaml<Omit<Mapping, 'file'>>(file, 'mapping', 'mapping');
  const problems: string[] = [];
  const seen = new Set<string>();
  data.requirements.forEach((req, i) => {
    if (seen.has(req.id))
      problems.push(
        formatProblem({
          file,
          line: lineOf(parsed, `/requirements/${i}/id`),
          path: `/requirements/${i}/id`,
          message: `duplicate requirement "${req.id}"`,
        }),
      );
    seen.add(req.id);
    if (!req.controls?.length && !req.attestation) {
      problems.push(
        formatProblem({
          file,
          line: lineOf(parsed, `/requirements/${i}`),
          path: `/requirements/${i}`,
          message: 'a requirement needs controls or an attestation text',
        }),
      );
    }
    req.controls?.forEach((c, j) => {
      if (!expandRef(c.ref, benchmarks).length) {
        const ptr = `/requirements/${i}/controls/${j}/ref`;
        problems.push(
          formatProblem({
            file,
            line: lineOf(parsed, ptr),
            path: ptr,
            message: `"${c.ref}" matches no control of the loaded benchmarks`,
          }),
        );
      }
    });
  });
  if (problems.length)
    throw new DefinitionError(`${file}: invalid mapping (${problems.length} problem(s))`, problems);
  return { ...data, file };
}

export function loadMappings(benchmarks: LoadedBenchmark[]): Mapping[] {
  return bundledMappingFiles().map((f) => loadMapping(f, benchmarks));
}

export function mappingKey(m: Mapping): string {
  return `${m.framework.id}@${m.framework.version}`;
}
