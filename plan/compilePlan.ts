import { Ajv, type ValidateFunction } from 'ajv';
import { didYouMean } from '../compiler/didYouMean.ts';
import { grammarFail } from '../compiler/grammar/GrammarResult.ts';
import { formatDuration, parseDuration } from '../compiler/grammar/parseDuration.ts';
import { jsonPointer } from '../compiler/jsonPointer.ts';
import type {
  ActivityCall,
  DurationText,
  ProcedureStep,
  ProceduresSection,
  StepCondition,
  UsesStep,
} from '../compiler/sections/procedures/ProceduresSection.ts';
import type { ApprovalVerification } from './ApprovalVerification.ts';
import { deepFreeze } from './deepFreeze.ts';
import { envConditionHolds } from './envConditionHolds.ts';
import { planApiVersion, type Compensation, type JsonObject, type JsonValue, type Plan, type PlanNode, type SequenceNode, type SkippedStep, type StepRetry } from './Plan.ts';
import { planHash } from './planHash.ts';
import { emptyPlanContext, settingName, type PlanContext } from './PlanContext.ts';
import { SettingProblems, settingFilling } from './SettingProblems.ts';
import type { PlanIssue } from './PlanIssue.ts';
import type { StepCatalog, StepCatalogEntry } from './StepCatalog.ts';
import { envReferenceKey, substituteEnvSettings } from './substituteEnvSettings.ts';

/** The workflow type that runs plans (and child procedures). */
export const interpreterWorkflowType = 'planInterpreterWorkflow';

export interface CompilePlanInput {
  readonly procedures: ProceduresSection;
  /** Which definition to plan; may be left out when the spec defines exactly one. */
  readonly procedure?: string;
  readonly environment: string;
  /** The environments the spec declares, when it declares them; others are refused. */
  readonly environments?: readonly string[];
  readonly specRevision: string;
  readonly catalog: StepCatalog;
  /** Plugin name → defaults for the input of every step of that plugin (what its capability derives from its sections). */
  readonly stepDefaults?: Readonly<Record<string, JsonObject | undefined>>;
  /** The capabilities' settings, read by `{{ <namespace>.<key> }}` and `when: { env: … }`. */
  readonly context?: PlanContext;
  /** How decisions at the plan's gates prove who decided (protected environments); absent: the named identity. */
  readonly approvals?: ApprovalVerification;
}

export type CompilePlanResult = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly issues: readonly PlanIssue[] };

/** Validated procedures + an environment → a frozen, hashed plan (or every reason it cannot be planned). */
export function compilePlan(input: CompilePlanInput): CompilePlanResult {
  const issues: PlanIssue[] = [];
  const definitions = input.procedures.definitions ?? {};
  const names = Object.keys(definitions);
  // The environment first: a typo there must not plan a procedure whose gates are conditioned on the real name.
  if (input.environments && !input.environments.includes(input.environment)) {
    return {
      ok: false,
      issues: [{ code: 'DBA_PLAN_ENVIRONMENT_UNKNOWN', path: jsonPointer(['deployment_config', 'environments']), message: `environment "${input.environment}" is not declared (declared: ${input.environments.join(', ')})`, hint: didYouMeanHint(input.environment, input.environments) }],
    };
  }
  const procedure = input.procedure ?? (names.length === 1 ? names[0] : undefined);
  if (procedure === undefined) {
    return { ok: false, issues: [{ code: 'DBA_PLAN_PROCEDURE_UNKNOWN', path: jsonPointer(['procedures', 'definitions']), message: 'no procedure was named and the spec does not define exactly one', hint: `name one with --procedure: ${names.join(', ')}` }] };
  }
  if (!Object.hasOwn(definitions, procedure)) {
    return { ok: false, issues: [{ code: 'DBA_PLAN_PROCEDURE_UNKNOWN', path: jsonPointer(['procedures', 'definitions']), message: `procedure "${procedure}" is not defined`, hint: didYouMeanHint(procedure, names) }] };
  }
  const settingProblems = new SettingProblems(procedure);
  const plan = planProcedure(input, procedure, issues, [], settingProblems);
  issues.unshift(...settingProblems.issues());
  if (issues.length > 0 || plan === undefined) return { ok: false, issues };
  return { ok: true, plan };
}

function planProcedure(input: CompilePlanInput, procedure: string, issues: PlanIssue[], callStack: readonly string[], settingProblems: SettingProblems): Plan | undefined {
  const definition = input.procedures.definitions?.[procedure];
  if (!definition) return undefined;
  const builder = new PlanBuilder(input, procedure, issues, [...callStack, procedure], settingProblems);
  const basePath = ['procedures', 'definitions', procedure, 'steps'];
  const nodes = builder.steps(definition.steps, basePath);
  const root: SequenceNode = { kind: 'sequence', id: procedure, reason: definition.description ?? `procedure ${procedure}`, nodes };
  // Where approvals are verified, roles come from the token's claims: no member list is frozen in, so a worker from
  // before verified approvals (which ignores `approvals`) accepts no one by role either.
  const roles = Object.fromEntries(Object.entries(input.procedures.roles ?? {}).map(([role, members]) => [role, input.approvals ? [] : [...members]]));
  const body = {
    apiVersion: planApiVersion,
    operation: definition.operation ?? 'apply',
    environment: input.environment,
    procedure,
    specRevision: input.specRevision,
    summary: summarise(procedure, input.environment, root),
    roles,
    // Only when set, so that the plans (and hashes) of other environments stay as they were.
    ...(input.approvals ? { approvals: input.approvals } : {}),
    root,
    skipped: builder.skipped,
  } satisfies Omit<Plan, 'hash'>;
  return deepFreeze({ ...body, hash: planHash(body) });
}

class PlanBuilder {
  readonly skipped: SkippedStep[] = [];
  /** Settings that steps found unset or wrong, reported once each by compilePlan (at the spec's own path). */
  readonly settingProblems: SettingProblems;
  private readonly context: PlanContext;
  private reportedUndeclared = false;
  private readonly seenIds = new Map<string, string>();

  constructor(
    private readonly input: CompilePlanInput,
    private readonly procedure: string,
    private readonly issues: PlanIssue[],
    private readonly callStack: readonly string[],
    settingProblems: SettingProblems,
  ) {
    this.context = input.context ?? emptyPlanContext;
    this.settingProblems = settingProblems;
  }

  steps(steps: readonly ProcedureStep[], path: readonly (string | number)[]): PlanNode[] {
    const nodes: PlanNode[] = [];
    steps.forEach((step, index) => {
      const node = this.step(step, [...path, index]);
      if (node) nodes.push(node);
    });
    return nodes;
  }

  private step(step: ProcedureStep, written: readonly (string | number)[]): PlanNode | undefined {
    // A step compiled from another section's step list reports its problems where the user wrote it.
    const path = step.at ?? written;
    const pointer = jsonPointer(path);
    const earlier = this.seenIds.get(step.id);
    if (earlier !== undefined) {
      this.issue('DBA_PLAN_DUPLICATE_STEP_ID', pointer, `step id "${step.id}" is already used at ${earlier}`);
    }
    this.seenIds.set(step.id, pointer);

    const when = step.when;
    if (when && 'environments' in when) {
      if (!when.environments.includes(this.input.environment)) {
        this.skipped.push({ id: step.id, reason: `runs only in ${when.environments.join(', ')}` });
        return undefined;
      }
    }
    if (when && 'env' in when && !this.envHolds(step.id, when.env, [...path, 'when', 'env'])) return undefined;
    const runtimeWhen = when && 'step' in when ? this.condition(when, [...path, 'when']) : undefined;
    const conditionNote = runtimeWhen ? ` (only if ${runtimeWhen.step}${runtimeWhen.output ? `.${runtimeWhen.output}` : ' status'} = ${JSON.stringify(runtimeWhen.equals)})` : '';
    const base = { id: step.id, ...(runtimeWhen ? { when: runtimeWhen } : {}) };

    if ('uses' in step) {
      const resolved = this.call(step, path);
      if (!resolved) return undefined;
      const compensate = step.compensate ? this.compensation(step.id, step.compensate, [...path, 'compensate']) : undefined;
      return {
        kind: 'step',
        ...base,
        reason: (step.description ?? resolved.reason) + conditionNote,
        uses: step.uses,
        activity: resolved.activity,
        input: resolved.input,
        retry: resolved.retry,
        timeoutMs: resolved.timeoutMs,
        ...(resolved.heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs: resolved.heartbeatTimeoutMs } : {}),
        ...(compensate ? { compensate } : {}),
        ...(step.continue_on_error === true ? { continueOnError: true } : {}),
      };
    }
    if ('approval' in step) {
      const roles = step.approval.roles ?? [];
      const identities = step.approval.identities ?? [];
      for (const role of roles) {
        if (!Object.hasOwn(this.input.procedures.roles ?? {}, role)) {
          this.issue('DBA_PLAN_ROLE_UNKNOWN', jsonPointer([...path, 'approval', 'roles']), `role "${role}" is not defined under procedures.roles`, didYouMeanHint(role, Object.keys(this.input.procedures.roles ?? {})));
        }
      }
      const count = step.approval.count ?? 1;
      const timeoutMs = step.approval.timeout === undefined ? undefined : this.duration(step.approval.timeout, [...path, 'approval', 'timeout']);
      const onTimeout = step.approval.on_timeout ?? 'reject';
      const who = [...roles.map((role) => `role ${role}`), ...identities].join(' or ');
      const wait = timeoutMs === undefined ? 'no timeout' : `${onTimeout} after ${formatDuration(timeoutMs)}`;
      return {
        kind: 'gate',
        ...base,
        reason: (step.description ?? `wait for ${count} approval${count > 1 ? 's' : ''} from ${who}`) + ` (${wait})` + conditionNote,
        roles: [...roles],
        identities: [...identities],
        count,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        onTimeout,
      };
    }
    if ('wait' in step) {
      const durationMs = this.duration(step.wait, [...path, 'wait']) ?? 0;
      return { kind: 'timer', ...base, reason: (step.description ?? `wait ${formatDuration(durationMs)}`) + conditionNote, durationMs };
    }
    if ('parallel' in step) {
      const branches: PlanNode[] = [];
      step.parallel.forEach((branch, index) => {
        const branchPath = [...path, 'parallel', index];
        if ('steps' in branch) {
          const nodes = this.steps(branch.steps, [...branchPath, 'steps']);
          this.seenIds.set(branch.id, jsonPointer(branchPath));
          branches.push({ kind: 'sequence', id: branch.id, reason: branch.description ?? `branch ${branch.id}`, nodes });
        } else {
          const node = this.step(branch, branchPath);
          if (node) branches.push(node);
        }
      });
      return { kind: 'parallel', ...base, reason: (step.description ?? `run ${branches.length} branches at once`) + conditionNote, branches };
    }
    // call: another procedure, as a child workflow
    if (this.callStack.includes(step.call)) {
      this.issue('DBA_PLAN_PROCEDURE_UNKNOWN', jsonPointer([...path, 'call']), `procedure "${step.call}" calls itself (${[...this.callStack, step.call].join(' → ')})`);
      return undefined;
    }
    if (!Object.hasOwn(this.input.procedures.definitions ?? {}, step.call)) {
      this.issue('DBA_PLAN_PROCEDURE_UNKNOWN', jsonPointer([...path, 'call']), `procedure "${step.call}" is not defined`, didYouMeanHint(step.call, Object.keys(this.input.procedures.definitions ?? {})));
      return undefined;
    }
    const child = planProcedure(this.input, step.call, this.issues, this.callStack, this.settingProblems);
    if (!child) return undefined;
    return {
      kind: 'child',
      ...base,
      reason: (step.description ?? `run procedure ${step.call} as a child workflow`) + conditionNote,
      workflowType: interpreterWorkflowType,
      input: { plan: child as unknown as JsonValue },
    };
  }

  private condition(when: Extract<StepCondition, { step: string }>, path: readonly (string | number)[]) {
    if (!this.seenIds.has(when.step)) {
      this.issue('DBA_PLAN_CONDITION', jsonPointer(path), `condition reads step "${when.step}", which does not run before this step`);
    }
    return { step: when.step, ...(when.output !== undefined ? { output: when.output } : {}), equals: (when.equals ?? null) as JsonValue };
  }

  private compensation(stepId: string, call: NonNullable<UsesStep['compensate']>, path: readonly (string | number)[]): Compensation | undefined {
    const when = call.when;
    if (when && 'environments' in when && !when.environments.includes(this.input.environment)) {
      this.skipped.push({ id: `${stepId}.compensate`, reason: `runs only in ${when.environments.join(', ')}` });
      return undefined;
    }
    if (when && 'env' in when && !this.envHolds(`${stepId}.compensate`, when.env, [...path, 'when', 'env'])) return undefined;
    const resolved = this.call(call, path);
    if (!resolved) return undefined;
    return {
      uses: call.uses,
      activity: resolved.activity,
      input: resolved.input,
      reason: call.description ?? resolved.reason,
      retry: resolved.retry,
      timeoutMs: resolved.timeoutMs,
      ...(resolved.heartbeatTimeoutMs !== undefined ? { heartbeatTimeoutMs: resolved.heartbeatTimeoutMs } : {}),
    };
  }

  private call(call: ActivityCall, path: readonly (string | number)[]) {
    const entry = this.input.catalog.lookup(call.uses);
    if (!entry) {
      this.issue('DBA_PLAN_STEP_UNKNOWN', jsonPointer([...path, 'uses']), `step "${call.uses}" is not provided by any registered plugin`, didYouMeanHint(call.uses, this.input.catalog.names()));
      return undefined;
    }
    const sectionDefaults = this.input.stepDefaults?.[entry.plugin];
    const missing = new Set<string>();
    const filledFrom = new Map<string, string>();
    const given = call.with === undefined
      ? {}
      : (substituteEnvSettings(call.with, this.context, { missing: (reference) => missing.add(reference), read: (pointer, reference) => filledFrom.set(pointer, reference) }) as Record<string, unknown>);
    for (const reference of missing) this.envSettingIssue(reference, [...path, 'with']);
    const input = {
      ...(isObject(sectionDefaults) ? sectionDefaults : {}),
      ...given,
    } as JsonObject;
    // Input built from settings that do not exist is reported once, as those settings, not field by field.
    if (missing.size === 0) this.validateInput(entry, input, [...path, 'with'], filledFrom);
    const timeoutMs = call.timeout === undefined ? entry.defaults.timeoutMs : (this.duration(call.timeout, [...path, 'timeout']) ?? entry.defaults.timeoutMs);
    const heartbeatTimeoutMs = call.heartbeat_timeout === undefined ? entry.defaults.heartbeatTimeoutMs : this.duration(call.heartbeat_timeout, [...path, 'heartbeat_timeout']);
    const retry = this.retry(entry, call, [...path, 'retry']);
    const reason = entry.describe ? entry.describe(input) : `run ${call.uses}`;
    return { activity: entry.activity, input, timeoutMs, heartbeatTimeoutMs, retry, reason };
  }

  private retry(entry: StepCatalogEntry, call: ActivityCall, path: readonly (string | number)[]): StepRetry {
    const defaults = entry.defaults.retry;
    const settings = call.retry;
    if (!settings) return defaults;
    return {
      maximumAttempts: settings.attempts ?? defaults.maximumAttempts,
      initialIntervalMs: settings.initial_interval === undefined ? defaults.initialIntervalMs : (this.duration(settings.initial_interval, [...path, 'initial_interval']) ?? defaults.initialIntervalMs),
      backoffCoefficient: settings.backoff ?? defaults.backoffCoefficient,
      maximumIntervalMs: settings.max_interval === undefined ? defaults.maximumIntervalMs : (this.duration(settings.max_interval, [...path, 'max_interval']) ?? defaults.maximumIntervalMs),
      nonRetryableCodes: [...new Set([...defaults.nonRetryableCodes, ...(settings.non_retryable ?? [])])],
    };
  }

  /**
   * A field filled from a setting that is unset or wrong is the setting's problem, not the procedure's: it is
   * reported once, at the setting's place in the user's spec (settingIssues), whichever steps read it.
   */
  private validateInput(entry: StepCatalogEntry, input: JsonObject, path: readonly (string | number)[], filledFrom: ReadonlyMap<string, string>): void {
    if (!entry.inputSchema) return;
    const validate = compiledSchema(entry);
    if (validate(input)) return;
    for (const error of validate.errors ?? []) {
      const field = error.keyword === 'required' ? `${error.instancePath}/${String((error.params as { missingProperty?: string }).missingProperty)}` : error.instancePath;
      const reference = settingFilling(field, filledFrom);
      const source = reference === undefined ? undefined : this.context.sources[reference];
      if (reference !== undefined && source !== undefined) {
        const described = (error.parentSchema as { description?: unknown } | undefined)?.description;
        const accepts = typeof described === 'string' ? described : `only a value that ${error.message ?? 'is valid'}`;
        const step = `${entry.uses}${field ? ` (${field.slice(1)})` : ''}`;
        this.settingProblems.add(reference, { step, source, ...(error.keyword === 'required' ? {} : { invalid: { value: error.data, accepts } }) });
        continue;
      }
      const where = jsonPointer([...path]) + error.instancePath;
      this.issue('DBA_PLAN_STEP_INPUT', where, `${entry.uses}: input${error.instancePath || ''} ${error.message ?? 'is invalid'}`);
    }
  }

  /**
   * A duration as written, or read from a deployment setting when the whole value is `{{ env.<key> }}` (so a
   * shipped procedure's gate can keep blue for the spec's rollback window). Substituted like `with:` values.
   */
  private duration(text: DurationText, path: readonly (string | number)[]): number | undefined {
    const key = envReferenceKey(text);
    let value: unknown = text;
    if (key !== undefined) {
      let unknown = false;
      value = substituteEnvSettings(text, this.context, {
        missing: () => {
          unknown = true;
        },
      });
      if (unknown) {
        this.envSettingIssue(key, path);
        return undefined;
      }
      if (value === undefined) {
        const shown = key.startsWith('env.') ? `deployment setting "${key.slice(4)}"` : `setting "${key}"`;
        this.issue('DBA_PLAN_ENV_SETTING', jsonPointer(path), `${shown} of environment "${this.input.environment}" is unset, but a duration is required here`);
        return undefined;
      }
    }
    const from = key === undefined ? '' : ` (read from {{ ${key} }})`;
    const parsed = typeof value === 'string' || typeof value === 'number'
      ? parseDuration(value)
      : grammarFail('DBA_SPEC_DURATION', `${JSON.stringify(value)} is not a duration`);
    if (parsed.ok) return parsed.value;
    // Only a whole-value reference is read; `1{{ env.x }}` stays text and fails to parse.
    const hint = parsed.hint ?? (typeof value === 'string' && value.includes('{{') ? 'a duration reads a setting only as its whole value: "{{ env.<key> }}"' : undefined);
    this.issues.push({ code: parsed.code, path: jsonPointer(path), message: `${this.procedure}: ${parsed.message}${from}`, ...(hint ? { hint } : {}) });
    return undefined;
  }

  /** A plan-time `when: { env }`: false leaves the step (or compensation) out and says why in `skipped`. */
  private envHolds(id: string, condition: Readonly<Record<string, unknown>>, path: readonly (string | number)[]): boolean {
    const decided = envConditionHolds(condition, this.context);
    for (const key of decided.unknown) this.envSettingIssue(key, path);
    if (!decided.holds && decided.unknown.length === 0) this.skipped.push({ id, reason: decided.because });
    return decided.holds;
  }

  private envSettingIssue(reference: string, path: readonly (string | number)[]): void {
    const { namespace, key } = settingName(reference);
    const values = this.context.settings[namespace];
    if (values === undefined && namespace === 'env') {
      if (this.reportedUndeclared) return;
      this.reportedUndeclared = true;
      this.issue('DBA_PLAN_ENV_SETTING', jsonPointer(path), `reads deployment settings (first "${key}"), but environment "${this.input.environment}" is not declared under deployment_config.environments`);
      return;
    }
    if (values === undefined) {
      this.issue('DBA_PLAN_ENV_SETTING', jsonPointer(path), `reads "${reference}", but no capability offers settings under "${namespace}"`, didYouMeanHint(namespace, Object.keys(this.context.settings)));
      return;
    }
    const shown = namespace === 'env' ? key : reference;
    this.issue('DBA_PLAN_ENV_SETTING', jsonPointer(path), `environment "${this.input.environment}" has no setting "${shown}"`, didYouMeanHint(key, Object.keys(values)));
  }

  private issue(code: PlanIssue['code'], path: string, message: string, hint?: string): void {
    this.issues.push({ code, path, message: `${this.procedure}: ${message}`, ...(hint ? { hint } : {}) });
  }
}

// verbose: a setting's problem quotes the value and the field's description.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validators = new WeakMap<object, ValidateFunction>();

function compiledSchema(entry: StepCatalogEntry): ValidateFunction {
  const schema = entry.inputSchema as object;
  let validate = validators.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(schema, validate);
  }
  return validate;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function didYouMeanHint(value: string, candidates: readonly string[]): string | undefined {
  const suggestion = didYouMean(value, candidates);
  return suggestion === undefined ? undefined : `did you mean \`${suggestion}\`?`;
}

function summarise(procedure: string, environment: string, root: SequenceNode): string {
  let steps = 0;
  let gates = 0;
  const visit = (node: PlanNode): void => {
    if (node.kind === 'gate') gates += 1;
    else if (node.kind === 'sequence') node.nodes.forEach(visit);
    else if (node.kind === 'parallel') node.branches.forEach(visit);
    else steps += 1;
  };
  root.nodes.forEach(visit);
  const gateText = gates === 0 ? '' : `, ${gates} approval gate${gates > 1 ? 's' : ''}`;
  return `${procedure} on ${environment}: ${steps} step${steps === 1 ? '' : 's'}${gateText}`;
}
