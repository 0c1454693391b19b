import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import { loadBenchmarks } from '../../src/cli/shared.js';
import { packageRoot } from '../../src/core/paths.js';
import type { LoadedBenchmark } from '../../src/core/types.js';
import { describeAjvErrors, schemaValidator } from '../../src/definitions/schemas.js';

interface Edge {
  ref: string;
  strength: 'direct' | 'partial' | 'supporting';
  note?: string;
}
interface Requirement {
  id: string;
  title: string;
  section?: string;
  legacy?: string[];
  attestation?: string;
  controls?: Edge[];
}
interface MappingDoc {
  framework: { id: string; version: string; title: string; legacyVersion?: string };
  requirements: Requirement[];
}
interface MappingFile {
  file: string;
  text: string;
  doc: MappingDoc;
}

const root = join(packageRoot(), 'mappings');

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

function globToRegex(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Control ids (benchmark@version/id) a ref selects; a ref is benchmark@version/idGlob. */
function resolveRef(ref: string, benchmarks: LoadedBenchmark[]): string[] {
  const m = /^([a-z][a-z0-9-]*)@([^/]+)\/(.+)$/.exec(ref);
  if (!m) return [];
  const [, id, version, glob = ''] = m;
  const re = globToRegex(glob);
  return benchmarks
    .filter((b) => b.id === id && b.version === version)
    .flatMap((b) => b.controls.filter((c) => re.test(c)).map((c) => `${b.id}@${b.version}/${c}`));
}

function load(file: string): MappingFile {
  const text = readFileSync(file, 'utf8');
  const parsed = parseDocument(text, { uniqueKeys: true });
  const problems = [...parsed.errors, ...parsed.warnings].map((e) => e.message);
  if (problems.length) throw new Error(`${file}: ${problems.join('; ')}`);
  return { file, text, doc: parsed.toJS() as MappingDoc };
}

const files = yamlFiles(root);
const loaded = new Map<string, MappingFile>();
for (const f of files) {
  try {
    loaded.set(f, load(f));
  } catch {
    // reported by the parse test below
  }
}

function mapping(frameworkId: string): MappingDoc {
  const hit = [...loaded.values()].find((m) => m.doc.framework?.id === frameworkId);
  if (!hit) throw new Error(`no mapping for ${frameworkId} under mappings/`);
  return hit.doc;
}

describe('framework mappings', () => {
  let benchmarks: LoadedBenchmark[];
  before(() => {
    benchmarks = loadBenchmarks();
  });

  it('finds the bundled mapping files', () => {
    expect(files.map((f) => relative(root, f))).to.include.members([
      'pci-dss/4.0.1.yaml',
      'nist-800-190/2017.yaml',
      'glba/16-cfr-314.4.yaml',
    ]);
  });

  for (const file of files) {
    const name = relative(root, file);
    describe(name, () => {
      it('parses as YAML without errors or duplicate keys', () => {
        expect(() => load(file)).not.to.throw();
      });

      it('validates against schemas/mapping.schema.json', () => {
        const validate = schemaValidator('mapping');
        const ok = validate(load(file).doc);
        expect(describeAjvErrors(validate.errors), 'schema errors').to.deep.equal([]);
        expect(ok).to.equal(true);
      });

      it('lives at mappings/<framework id>/<framework version>.yaml', () => {
        const { doc } = load(file);
        expect(basename(dirname(file))).to.equal(doc.framework.id);
        expect(basename(file).replace(/\.ya?ml$/, '')).to.equal(doc.framework.version);
      });

      it('has unique requirement ids', () => {
        const ids = load(file).doc.requirements.map((r) => r.id);
        const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
        expect(dupes, 'duplicate ids').to.deep.equal([]);
      });

      it('gives every requirement controls or an attestation text', () => {
        const bare = load(file)
          .doc.requirements.filter((r) => !r.controls?.length && !r.attestation)
          .map((r) => r.id);
        expect(bare, 'requirements with neither').to.deep.equal([]);
      });

      it('resolves every control ref to at least one bundled control', () => {
        const unresolved: string[] = [];
        for (const r of load(file).doc.requirements) {
          for (const c of r.controls ?? []) {
            if (!resolveRef(c.ref, benchmarks).length) unresolved.push(`${r.id}: ${c.ref}`);
          }
        }
        expect(unresolved, 'refs matching no bundled control').to.deep.equal([]);
      });

      it('maps each control at most once per requirement, besides an explicit ref refining a glob', () => {
        const repeated: string[] = [];
        for (const r of load(file).doc.requirements) {
          const seen = { glob: new Set<string>(), exact: new Set<string>() };
          for (const c of r.controls ?? []) {
            const kind = /[*?]/.test(c.ref) ? 'glob' : 'exact';
            for (const id of resolveRef(c.ref, benchmarks)) {
              if (seen[kind].has(id)) repeated.push(`${r.id}: ${id}`);
              seen[kind].add(id);
            }
          }
        }
        expect(repeated, 'controls mapped twice to one requirement').to.deep.equal([]);
      });

      it('writes planned Kubernetes ids as well-formed "# k8s:" comments inside a requirement', () => {
        const lines = load(file).text.split('\n');
        const bad: string[] = [];
        let inRequirement = false;
        lines.forEach((line, i) => {
          if (/^\s*- id:/.test(line)) inRequirement = true;
          const m = /^\s*#\s*k8s:(.*)$/.exec(line);
          if (!m) return;
          const ids = (m[1] ?? '').split(',').map((s) => s.trim());
          const wellFormed = ids.every((id) => /^(\*|\d+(\.\d+)*(\.\*)?)$/.test(id));
          if (!inRequirement || !wellFormed) bad.push(`line ${i + 1}: ${line.trim()}`);
        });
        expect(bad).to.deep.equal([]);
      });
    });
  }

  describe('PCI DSS v4.0.1', () => {
    const sectionsOf = (doc: MappingDoc) => new Set(doc.requirements.map((r) => r.section));

    it('declares v3.2.1 as its legacy version', () => {
      const { framework } = mapping('pci-dss');
      expect(framework.version).to.equal('4.0.1');
      expect(framework.legacyVersion).to.equal('3.2.1');
    });

    it('covers requirements 1, 2, 5, 6, 7, 8, 10 and 11, and parts of 3, 4 and 12', () => {
      const sections = sectionsOf(mapping('pci-dss'));
      for (const s of ['1', '2', '3', '4', '5', '6', '7', '8', '10', '11', '12']) {
        expect(sections.has(s), `requirement ${s}`).to.equal(true);
      }
    });

    it('works at the testable level with the principal requirement as section', () => {
      for (const r of mapping('pci-dss').requirements) {
        expect(r.id, r.id).to.match(/^(\d{1,2}|A\d)\.\d+\.\d+(\.\d+)*$/);
        expect(r.section, r.id).to.equal(r.id.split('.')[0]);
        for (const l of r.legacy ?? []) expect(l, `${r.id} legacy`).to.match(/^(\d{1,2}|A\d)(\.\d+)*$/);
      }
    });

    it('keeps the requirements the crosswalk renumbered with their v3.2.1 ids', () => {
      const byId = new Map(mapping('pci-dss').requirements.map((r) => [r.id, r]));
      const expected: Record<string, string> = {
        '1.2.3': '1.1.2',
        '1.3.2': '1.3.4',
        '2.2.1': '2.2',
        '2.2.7': '2.3',
        '6.3.1': '6.1',
        '6.3.3': '6.2',
        '10.3.3': '10.5.3',
        '11.5.2': '11.5',
      };
      for (const [v4, v3] of Object.entries(expected)) {
        expect(byId.get(v4)?.legacy ?? [], v4).to.include(v3);
      }
    });
  });

  describe('NIST SP 800-190', () => {
    it('lists exactly the countermeasures 4.1.1-4.5.5 and 4.6', () => {
      // Section 4.2 (registries) has three countermeasures, the others five: 24 entries in all.
      const perSection: Record<string, number> = { '4.1': 5, '4.2': 3, '4.3': 5, '4.4': 5, '4.5': 5 };
      const expected = [
        ...Object.entries(perSection).flatMap(([s, n]) =>
          Array.from({ length: n }, (_, i) => `${s}.${i + 1}`),
        ),
        '4.6',
      ];
      const ids = mapping('nist-800-190').requirements.map((r) => r.id);
      expect(ids).to.have.length(24);
      expect(ids).to.deep.equal(expected);
    });

    it('groups countermeasures by section 4.1-4.6', () => {
      for (const r of mapping('nist-800-190').requirements) {
        expect(r.section, r.id).to.equal(r.id.split('.').slice(0, 2).join('.'));
      }
    });
  });

  describe('GLBA Safeguards Rule 16 CFR 314.4', () => {
    const elements = [
      '(a)',
      '(b)(1)',
      '(b)(2)',
      '(c)(1)',
      '(c)(2)',
      '(c)(3)',
      '(c)(4)',
      '(c)(5)',
      '(c)(6)',
      '(c)(7)',
      '(c)(8)',
      '(d)(1)',
      '(d)(2)',
      '(e)',
      '(f)',
      '(g)',
      '(h)',
      '(i)',
      '(j)',
    ].map((e) => `314.4${e}`);
    /** A requirement belongs to an element when its id is the element or one of its sub-items. */
    const itemsOf = (element: string) =>
      mapping('glba').requirements.filter(
        (r) => r.id === element || r.id.startsWith(`${element}(`) || r.id.startsWith(`${element}-`),
      );

    it('covers every element of 314.4', () => {
      const missing = elements.filter((e) => !itemsOf(e).length);
      expect(missing, 'elements without a requirement').to.deep.equal([]);
    });

    it('maps only 314.4 elements', () => {
      const stray = mapping('glba')
        .requirements.map((r) => r.id)
        .filter((id) => !elements.some((e) => id === e || id.startsWith(`${e}(`) || id.startsWith(`${e}-`)));
      expect(stray).to.deep.equal([]);
    });

    it('splits access control and testing into their distinct asks', () => {
      expect(itemsOf('314.4(c)(1)').map((r) => r.id)).to.include.members([
        '314.4(c)(1)',
        '314.4(c)(1)(i)',
        '314.4(c)(1)(ii)',
      ]);
      expect(itemsOf('314.4(d)(2)').map((r) => r.id)).to.include.members([
        '314.4(d)(2)',
        '314.4(d)(2)(i)',
        '314.4(d)(2)(ii)',
      ]);
    });

    it('maps the technical safeguards of (c) to automated controls', () => {
      for (const e of ['(c)(1)', '(c)(7)', '(c)(8)'].map((x) => `314.4${x}`)) {
        const edges = itemsOf(e).flatMap((r) => r.controls ?? []);
        expect(edges.length, e).to.be.greaterThan(0);
      }
    });
  });
});
