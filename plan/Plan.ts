/**
 * The frozen plan IR: what the interpreter workflow runs. Plain JSON (no classes, no functions, no Dates) so it
 * is hashed, shown, stored in history and handed to a workflow unchanged. Nodes are discriminated by `kind`;
 * every node has an `id` (unique in the plan, used by status, history and approvals) and a `reason` (why it is in
 * the plan, shown by `dbarch plan`).
 */
import type { ApprovalVerification } from './ApprovalVerification.ts';

export const planApiVersion = 'dbarch.plan/v1';

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

export interface Plan {
  readonly apiVersion: typeof planApiVersion;
  /** sha256 over the canonical JSON of every other field: what approvals name. */
  readonly hash: string;
  readonly operation: string;
  readonly environment: string;
  readonly procedure: string;
  readonly specRevision: string;
  /** One line for the memo and the UI list, e.g. `release on staging: 3 steps, 1 approval gate`. */
  readonly summary: string;
  /**
   * Role name → identities holding it, frozen into the plan so approvals are checked against what was reviewed.
   * Empty lists where `approvals` is set: the token's claims say who holds a role.
   */
  readonly roles: Readonly<Record<string, readonly string[]>>;
  /**
   * Set for a protected environment with security_config.approvals: its gates accept only decisions carrying a
   * token that verifies; roles then come from the token's claims, not from `roles`. Absent: the named identity.
   */
  readonly approvals?: ApprovalVerification;
  readonly root: SequenceNode;
  /** Steps the spec declares that this environment leaves out, with why. */
  readonly skipped: readonly SkippedStep[];
}

export type PlanNode = StepNode | SequenceNode | ParallelNode | GateNode | TimerNode | ChildNode;

interface NodeBase {
  readonly id: string;
  readonly reason: string;
  /** Evaluated by the interpreter when the node is reached; a false condition marks the node skipped. */
  readonly when?: RuntimeCondition;
}

/** One activity call, by name, with its own retry policy and timeouts. */
export interface StepNode extends NodeBase {
  readonly kind: 'step';
  /** As written in the spec: `<plugin>/<step>`. */
  readonly uses: string;
  /** The activity type the worker registers (equal to `uses`). */
  readonly activity: string;
  readonly input: JsonObject;
  readonly retry: StepRetry;
  readonly timeoutMs: number;
  /** Set for long steps: a worker that dies mid-step is noticed within this and the step retried elsewhere. */
  readonly heartbeatTimeoutMs?: number;
  /** Runs, in reverse completion order, when a later step fails, a gate rejects, or the workflow is cancelled. */
  readonly compensate?: Compensation;
  /** A failure for good is recorded (status `failed`) and the plan goes on with the next node. */
  readonly continueOnError?: boolean;
}

export interface Compensation {
  readonly uses: string;
  readonly activity: string;
  readonly input: JsonObject;
  readonly reason: string;
  readonly retry: StepRetry;
  readonly timeoutMs: number;
  readonly heartbeatTimeoutMs?: number;
}

export interface StepRetry {
  readonly maximumAttempts: number;
  readonly initialIntervalMs: number;
  readonly backoffCoefficient: number;
  readonly maximumIntervalMs: number;
  /** Error codes (ApplicationFailure types) that end the step at once, on top of the codes marked permanent. */
  readonly nonRetryableCodes: readonly string[];
}

export interface SequenceNode extends NodeBase {
  readonly kind: 'sequence';
  readonly nodes: readonly PlanNode[];
}

export interface ParallelNode extends NodeBase {
  readonly kind: 'parallel';
  readonly branches: readonly PlanNode[];
}

/** Waits for `count` approvals from people holding one of `roles` or listed in `identities`. */
export interface GateNode extends NodeBase {
  readonly kind: 'gate';
  readonly roles: readonly string[];
  readonly identities: readonly string[];
  readonly count: number;
  /** Absent: wait for ever. */
  readonly timeoutMs?: number;
  /** At the timeout: `reject` compensates and fails; `approve` passes the gate. */
  readonly onTimeout: 'reject' | 'approve';
}

export interface TimerNode extends NodeBase {
  readonly kind: 'timer';
  readonly durationMs: number;
}

/** Another procedure, run as a child interpreter workflow with its own history. */
export interface ChildNode extends NodeBase {
  readonly kind: 'child';
  readonly workflowType: string;
  readonly input: JsonObject;
}

/** Reads the output (or status) of a step that ran earlier. */
export interface RuntimeCondition {
  readonly step: string;
  /** Dot path into the step's output; absent: compare the status. */
  readonly output?: string;
  readonly equals: JsonValue;
}

export interface SkippedStep {
  readonly id: string;
  readonly reason: string;
}
