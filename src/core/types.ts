/** Core vocabulary shared by every part of Rampart. See docs/architecture.md. */

export const STATUSES = ['pass', 'fail', 'warn', 'manual', 'not_applicable', 'error', 'waived'] as const;
export type Status = (typeof STATUSES)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher number = more severe. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export type Assessment = 'automated' | 'manual';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

// ---------------------------------------------------------------------------------------------
// Control definitions (the YAML files under benchmarks/)
// ---------------------------------------------------------------------------------------------

/** A leaf comparison: `field` is a dotted path into the resource (see evaluator/path.ts). */
export interface LeafCondition {
  field: string;
  op: string;
  value?: JsonValue;
  /** Optional human label for the observed value, e.g. "AppArmor profile". */
  label?: string;
}
export interface AllCondition {
  all: Condition[];
}
export interface AnyCondition {
  any: Condition[];
}
export interface NotCondition {
  not: Condition;
}
/** Quantified condition over an array (or an object's values) found at `every`/`some`/`none`. */
export interface EveryCondition {
  every: string;
  test: Condition;
  label?: string;
}
export interface SomeCondition {
  some: string;
  test: Condition;
  label?: string;
}
export interface NoneCondition {
  none: string;
  test: Condition;
  label?: string;
}
/** A typed check function registered in evaluator/checks.ts. */
export interface CheckCondition {
  check: string;
  with?: Record<string, JsonValue>;
}
export type Condition =
  | LeafCondition
  | AllCondition
  | AnyCondition
  | NotCondition
  | EveryCondition
  | SomeCondition
  | NoneCondition
  | CheckCondition;

/** How each resource selected by a control is named in findings. Fields are paths into the resource. */
export interface ResourceSpec {
  kind: string;
  id?: string;
  name?: string;
  namespace?: string;
}

export interface ControlCase {
  name: string;
  facts: Record<string, JsonValue>;
  /** Facts collectors that failed in this case: collector id -> reason. */
  errors?: Record<string, string>;
  /** Expected control status; defaults to the list the case is in (pass / fail). */
  expect?: Status;
}

export interface Control {
  id: string;
  title: string;
  assessment: Assessment;
  level: number;
  /** Unscored recommendations report `warn` instead of `fail`. Default true. */
  scored: boolean;
  severity: Severity;
  /** Facts this control reads: collector ids. The first is the one `given` selects from. */
  facts: string[];
  /** Path into the first fact set that selects resources; absent = the fact document itself is one resource. */
  given?: string;
  /** Only resources matching this are evaluated. */
  where?: Condition;
  /** Per-resource preconditions: when one does not hold, the finding is `error` with the reason. */
  requires?: { when: Condition; reason: string }[];
  resource?: ResourceSpec;
  /** The control is not applicable unless this holds over the whole fact map (keys = collector ids). */
  applies?: { fact: string; when: Condition; reason: string };
  /** Status and reason when `given` selects nothing. */
  whenEmpty?: { status: 'not_applicable' | 'error' | 'pass' | 'fail'; reason: string };
  test?: Condition;
  /** For manual controls: values shown as evidence for the person reviewing it. */
  evidence?: string[];
  rationale: string;
  remediation: string;
  audit: string;
  impact?: string;
  references?: string[];
  tags?: string[];
  tests?: { pass?: ControlCase[]; fail?: ControlCase[]; other?: ControlCase[] };
  /** Where the control was loaded from (set by the loader). */
  file?: string;
}

export interface Benchmark {
  id: string;
  version: string;
  title: string;
  target: string;
  description?: string;
  source?: string;
  /** Sections, for grouping: id prefix -> title. */
  sections: { id: string; title: string }[];
  /** Control ids in order; each has a file under controls/. */
  controls: string[];
  dir?: string;
}

export interface LoadedBenchmark extends Benchmark {
  controlsById: Map<string, Control>;
  ordered: Control[];
}

// ---------------------------------------------------------------------------------------------
// Facts
// ---------------------------------------------------------------------------------------------

export interface FactTarget {
  id: string;
  kind: string;
  name: string;
  platform?: string;
  /** Free-form, non-secret metadata about the target (engine version, address...). */
  meta?: Record<string, JsonValue>;
  facts: Record<string, JsonValue>;
  /** Collector id -> reason it failed. Controls that need it are `error`. */
  errors: Record<string, string>;
}

export interface FactSet {
  schemaVersion: string;
  collectedAt: string;
  tool: { name: string; version: string };
  targets: FactTarget[];
}

// ---------------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------------

export interface ResourceRef {
  kind: string;
  id: string;
  name: string;
  namespace?: string;
  source?: { file: string; document?: number; line?: number };
}

export interface Finding {
  resource: ResourceRef;
  status: Status;
  observed: JsonValue;
  expected: JsonValue;
  message: string;
  /** 0-100 for failing findings (docs/scoring.md). */
  risk?: number;
  /** What raised or lowered the risk: "cde", "privileged", "exposed", ... */
  riskFactors?: string[];
  /** Waiver that matched this finding. */
  waiver?: { id: string; state: 'active' | 'expired'; expires: string };
}

export interface Result {
  ref: string;
  benchmark: { id: string; version: string };
  controlId: string;
  title: string;
  severity: Severity;
  level: number;
  assessment: Assessment;
  scored: boolean;
  target: string;
  status: Status;
  reason: string;
  findings: Finding[];
  /** Why the control matters (from the control definition), for reports. */
  rationale?: string;
  remediation?: string;
  section?: string;
  /** A person's recorded answer for a manual control. */
  attestation?: AttestationRef;
}

export interface AttestationRef {
  id?: string;
  answer: 'pass' | 'fail' | 'not_applicable';
  attester: string;
  date: string;
  expires?: string;
  evidence: string;
  note?: string;
  expired: boolean;
}

export interface ResultTarget {
  id: string;
  kind: string;
  name: string;
  platform?: string;
  meta?: Record<string, JsonValue>;
  errors?: Record<string, string>;
}

export interface ResultsDocument {
  schemaVersion: string;
  tool: { name: string; version: string };
  startedAt: string;
  finishedAt: string;
  options?: Record<string, JsonValue>;
  benchmarks: { id: string; version: string; title: string; sections?: { id: string; title: string }[] }[];
  targets: ResultTarget[];
  summary: { total: number; byStatus: Record<Status, number>; bySeverity: Record<string, number> };
  results: Result[];
  scores?: Scores;
  gaps?: Gap[];
  frameworks?: FrameworkRollup[];
  waivers?: WaiverRecord[];
  attestations?: AttestationRecord[];
}

export interface Scores {
  /** 0-100: severity-weighted share of evaluated automated controls that pass (waived counts as passing). */
  posture: number;
  /** 0-100: share of applicable automated controls that were actually checked (not error). */
  coverage: number;
  counts: { evaluated: number; applicable: number; checked: number };
}

/** A control failing on one target, with the resources it fails on, ranked by risk. */
export interface Gap {
  rank: number;
  ref: string;
  controlId: string;
  title: string;
  severity: Severity;
  target: string;
  risk: number;
  resources: number;
  examples: string[];
  factors: string[];
  remediation?: string;
}

export type RequirementStatus = 'met' | 'not_met' | 'partial' | 'needs_attestation' | 'not_assessed';

export interface RequirementRollup {
  id: string;
  title: string;
  section?: string;
  legacy?: string[];
  status: RequirementStatus;
  reason: string;
  automated: boolean;
  evidence: { ref: string; strength: 'direct' | 'partial' | 'supporting'; target: string; status: Status }[];
  attestation?: AttestationRef;
  attestationNeeded?: string;
}

export interface FrameworkRollup {
  id: string;
  version: string;
  title: string;
  legacyVersion?: string;
  counts: Record<RequirementStatus, number> & { total: number };
  /** met / requirements in scope (all but not_assessed), 0-100. */
  compliance: number;
  /** requirements reached by automated evidence / all requirements, 0-100. */
  coverage: number;
  requirements: RequirementRollup[];
}

/** A waiver as written in a waivers file (schemas/waivers.schema.json). */
export interface WaiverSpec {
  id: string;
  control: string;
  resource?: { target?: string; kind?: string; id?: string; name?: string; namespace?: string };
  justification: string;
  owner: string;
  approver: string;
  compensatingControl?: string;
  expires: string;
  approved?: string;
  requirement?: string;
  ticket?: string;
}

export interface WaiverRecord extends WaiverSpec {
  state: 'applied' | 'unused' | 'expired' | 'expired-unused';
  matched: number;
}

/** An attestation as written in an attestations file (schemas/attestations.schema.json). */
export interface AttestationSpec {
  id?: string;
  control?: string;
  requirement?: string;
  target?: string;
  answer: 'pass' | 'fail' | 'not_applicable';
  attester: string;
  date: string;
  expires?: string;
  evidence: string;
  note?: string;
}

export interface AttestationRecord extends AttestationSpec {
  state: 'applied' | 'expired' | 'unused' | 'invalid';
  reason?: string;
}
