/** One alert rule of the spec, as the rule compiler and the Alertmanager generator read it. */
export interface AlertRuleInput {
  readonly name: string;
  /** `<metric> <operator> <threshold>` in the spec's condition grammar. */
  readonly condition: string;
  readonly severity: 'info' | 'warning' | 'critical';
  /** Milliseconds; 0 fires on the first evaluation that holds. */
  readonly forMs: number;
  /** Channels of this rule only; default all of the spec's channels, routed by severity. */
  readonly channels?: readonly string[];
}
