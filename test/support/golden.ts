import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'golden');

/**
 * Compares output with test/fixtures/golden/<name> byte for byte. `UPDATE_GOLDEN=1` rewrites the golden file
 * instead (review the diff before committing it).
 */
export function expectGolden(name: string, actual: string | Buffer): void {
  const file = join(GOLDEN_DIR, name);
  const bytes = typeof actual === 'string' ? Buffer.from(actual, 'utf8') : actual;
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
    return;
  }
  if (!existsSync(file)) {
    expect.fail(`golden file ${file} is missing: run the test with UPDATE_GOLDEN=1 to create it`);
  }
  const expected = readFileSync(file);
  if (expected.equals(bytes)) return;
  const a = bytes.toString('utf8').split('\n');
  const e = expected.toString('utf8').split('\n');
  const i = a.findIndex((line, n) => line !== e[n]);
  const at = i === -1 ? Math.min(a.length, e.length) : i;
  expect.fail(
    `output differs from golden ${name} at line ${at + 1}:\n` +
      `  expected: ${JSON.stringify(e[at])}\n  actual:   ${JSON.stringify(a[at])}\n` +
      `(run with UPDATE_GOLDEN=1 to accept the new output after reviewing it)`,
  );
}
