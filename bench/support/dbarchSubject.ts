import type { FailoverSubject, SubjectFactory } from './FailoverSubject.ts';

/** dbarch as a bench subject: `cluster up` + the monitor, the primary read from the published topology. */
export function dbarchSubject(label: string, synchronous: boolean): SubjectFactory {
  return {
    label,
    synchronous,
    start(): Promise<FailoverSubject> {
      return Promise.reject(new Error('the dbarch subject waits for cluster up and the monitor (issue 9)'));
    },
  };
}
