/**
 * The official SARIF and OSCAL JSON Schemas live in ../shared/schemas/ beside the repository (the project
 * workspace and CI); a user's clone does not have them, and the checks that need them skip and say why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import { packageRoot } from '../../src/core/paths.js';

export const SHARED_SCHEMAS = resolve(packageRoot(), '..', 'shared', 'schemas');
export const SCHEMA_FILES = {
  sarif: 'sarif-2.1.0.schema.json',
  oscal: 'oscal-1.0.6-assessment-results.schema.json',
} as const;

// Both are CommonJS packages whose module.exports is the class / plugin itself.
const require = createRequire(import.meta.url);
const Ajv04 = require('ajv-draft-04') as typeof Ajv;
const addFormats = require('ajv-formats') as (ajv: Ajv) => void;

const cache = new Map<string, ValidateFunction>();

/** Why a schema cannot be used here, or undefined when it can. */
export function schemaUnavailable(which: keyof typeof SCHEMA_FILES): string | undefined {
  const file = join(SHARED_SCHEMAS, SCHEMA_FILES[which]);
  return existsSync(file) ? undefined : `${file} is absent (it ships beside the repository, not with it)`;
}

/** Compiled validator for the official schema; SARIF's is draft-04, OSCAL's draft-07. */
export function sharedSchema(which: keyof typeof SCHEMA_FILES): ValidateFunction {
  const hit = cache.get(which);
  if (hit) return hit;
  const schema = JSON.parse(readFileSync(join(SHARED_SCHEMAS, SCHEMA_FILES[which]), 'utf8')) as {
    $schema?: string;
  };
  const draft04 = schema.$schema?.includes('draft-04') ?? false;
  const ajv = draft04
    ? new Ajv04({ allErrors: true, strict: false })
    : new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const fn = ajv.compile(schema);
  cache.set(which, fn);
  return fn;
}

/** First few ajv errors, readable in an assertion message. */
export function schemaErrors(fn: ValidateFunction): string {
  return (fn.errors ?? [])
    .slice(0, 8)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`)
    .join('\n');
}
