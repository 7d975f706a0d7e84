import type { LintRule } from '../LintRule.ts';

export const renameRule: LintRule = {
  meta: {
    id: 'rename',
    severity: 'warning',
    description: 'Renaming a table or column breaks every running application version that still uses the old name.',
    hint: 'Add the new name (column or view), move readers and writers over, then drop the old one in a later release.',
  },
  check({ node }) {
    if (!('RenameStmt' in node)) return [];
    const kind = node.RenameStmt.renameType;
    if (kind !== 'OBJECT_TABLE' && kind !== 'OBJECT_COLUMN') return [];
    return [`renaming ${kind === 'OBJECT_TABLE' ? 'table' : 'column'} ${node.RenameStmt.subname ?? node.RenameStmt.relation?.relname ?? ''} breaks running clients`];
  },
};
