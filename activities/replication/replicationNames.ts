import { DbarchError } from '../../errors/DbarchError.ts';

export interface ReplicationNames {
  /** On blue: what is published. */
  readonly publication: string;
  /** On blue: where blue keeps the WAL green has not confirmed yet. */
  readonly slot: string;
  /** On green: the apply side. */
  readonly subscription: string;
}

/** One deployment name gives every object its name, so re-running a step finds what an earlier run made. */
export function replicationNames(name: string): ReplicationNames {
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(name)) {
    throw new DbarchError('DBA_REPLICATION_NAME_INVALID', `deployment name ${JSON.stringify(name)} cannot name a publication, slot and subscription`, {
      details: { name },
    });
  }
  const base = `dbarch_bg_${name}`;
  return { publication: base, slot: base, subscription: base };
}
