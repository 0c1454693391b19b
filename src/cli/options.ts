/** Central option definitions shared by commands, so every flag is described once. */
import type { Options } from 'yargs';
import { SEVERITIES } from '../core/types.js';
import { REPORTERS } from '../reporters/index.js';

export const selectionOptions = {
  benchmark: {
    type: 'string',
    array: true,
    describe:
      'Benchmark id, optionally @version (e.g. cis-docker@1.6.0); repeatable. Default: all for the target',
  },
  'benchmark-dir': {
    type: 'string',
    array: true,
    describe: 'Extra benchmark directory (holding benchmark.yaml) to load, e.g. your own controls',
  },
  controls: {
    type: 'string',
    array: true,
    describe: 'Only these control ids or globs; prefix with ! to exclude (e.g. "5.*" "!5.7")',
  },
  level: { type: 'number', describe: 'Highest CIS profile level to include (1 or 2)' },
} satisfies Record<string, Options>;

export const outputOptions = {
  format: {
    type: 'string',
    default: 'text',
    describe: `Output format(s), comma-separated: ${[...REPORTERS.keys()].join(', ')}`,
  },
  output: {
    alias: 'o',
    type: 'string',
    describe: 'Write the report (one format) to this file instead of stdout',
  },
  out: {
    type: 'string',
    describe:
      'Write one file per format into this directory (rampart-results.json, rampart-report.html, ...)',
  },
  classification: {
    type: 'string',
    describe: 'Classification label printed on every page of the HTML and PDF reports (e.g. CONFIDENTIAL)',
  },
  assessor: {
    type: 'string',
    describe: 'Who performed the assessment, for the report cover, sign-off and OSCAL',
  },
  'fail-on': {
    type: 'string',
    choices: [...SEVERITIES, 'none'],
    default: 'none',
    describe: 'Exit 1 when a control fails at or above this severity',
  },
  'fail-on-error': {
    type: 'boolean',
    default: false,
    describe: 'Also exit 1 when a control could not be checked (status error)',
  },
} satisfies Record<string, Options>;

export const dockerOptions = {
  'docker-host': {
    type: 'string',
    describe:
      'Engine address (unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host). Default: $DOCKER_HOST',
  },
  'host-root': {
    type: 'string',
    describe: "Root of the engine host's filesystem for host checks (default / when the engine is local)",
  },
  'running-only': {
    type: 'boolean',
    default: false,
    describe: 'Assess running containers only (default: all)',
  },
  concurrency: { type: 'number', default: 16, describe: 'Maximum concurrent requests to the engine' },
} satisfies Record<string, Options>;

export const globalOptions = {
  verbose: {
    alias: 'v',
    type: 'boolean',
    default: false,
    describe: 'Show progress, every finding and stack traces',
  },
} satisfies Record<string, Options>;

export const governanceOptions = {
  framework: {
    type: 'string',
    array: true,
    describe:
      'Roll results up to these frameworks (pci-dss, nist-800-190, glba, optionally @version). Default: all',
  },
  scope: {
    type: 'string',
    describe: 'Scope file tagging resources as cde / production / internet-facing (risk)',
  },
  waivers: { type: 'string', describe: 'Waivers file: accepted exceptions with owner, approver and expiry' },
  attestations: {
    type: 'string',
    describe: 'Attestations file: answers to manual controls and process requirements',
  },
  'as-of': {
    type: 'string',
    describe: 'Assessment date (YYYY-MM-DD) for waiver and attestation expiry. Default: today',
  },
} satisfies Record<string, Options>;

export const evidenceOptions = {
  'evidence-dir': {
    type: 'string',
    describe:
      'Also write an evidence bundle here: facts, results, every report and a SHA-256 manifest (new directory)',
  },
  'sign-key': {
    type: 'string',
    describe: 'Sign the bundle manifest with this ed25519 private key (PEM); check with "rampart verify"',
  },
} satisfies Record<string, Options>;
