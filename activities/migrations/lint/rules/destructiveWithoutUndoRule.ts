import { compareVersions } from '../../compareVersions.ts';
import { alterTableCommands } from '../alterTableCommands.ts';
import type { LintRule } from '../LintRule.ts';

export const destructiveWithoutUndoRule: LintRule = {
  meta: {
    id: 'destructive-without-undo',
    severity: 'warning',
    description: 'A versioned migration drops or truncates something but has no U<version> undo script, so a rollback cannot reverse it.',
    hint: 'Write U<version>__<description>.sql that recreates what is dropped (the data comes back from the pre-migration backup).',
    kinds: ['versioned'],
  },
  check({ node, file, set }) {
    const destructive =
      ('DropStmt' in node && (node.DropStmt.removeType === 'OBJECT_TABLE' || node.DropStmt.removeType === 'OBJECT_SCHEMA')) ||
      'TruncateStmt' in node ||
      (alterTableCommands(node)?.commands ?? []).some((c) => c.subtype === 'AT_DropColumn');
    if (!destructive) return [];
    const hasUndo = set.undo.some((u) => compareVersions(u.version ?? '0', file.version ?? '0') === 0);
    return hasUndo ? [] : [`destructive change in V${file.version ?? ''} without an undo script`];
  },
};
