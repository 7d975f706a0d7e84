import type { AlertOperator } from '../../../compiler/grammar/parseAlertCondition.ts';

/** Whether a reading satisfies `<value> <operator> <threshold>`, as PromQL's comparison filters a series. */
export function holdsCondition(value: number, operator: AlertOperator, threshold: number): boolean {
  switch (operator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}
