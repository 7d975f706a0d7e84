import { alterTableCommands } from '../alterTableCommands.ts';
import type { LintRule } from '../LintRule.ts';

export const dropColumnRule: LintRule = {
  meta: {
    id: 'drop-column',
    severity: 'error',
    description: 'ALTER TABLE … DROP COLUMN deletes the column\'s data; running application versions may still read or write it.',
    hint: 'Stop using the column in a released version first, then drop it; write the U script. Suppress once reviewed.',
    kinds: ['versioned', 'repeatable'],
  },
  check({ node }) {
    const alter = alterTableCommands(node);
    return (alter?.commands ?? []).filter((c) => c.subtype === 'AT_DropColumn').map((c) => `DROP COLUMN ${c.name ?? ''} deletes data`);
  },
};
