import { createHash } from 'node:crypto';
import { defaultHistorySchema } from './historyTable.ts';
import type { MigrationDeps } from './MigrationDeps.ts';
import { openMigrationSession } from './openMigrationSession.ts';
import { toMigrationError } from './toMigrationError.ts';

export interface SchemaFingerprintInput {
  /** Schemas to describe; default every user schema except the history schema. */
  readonly schemas?: readonly string[];
  readonly historySchema?: string;
  /** Return the canonical catalogue lines as well, so two environments can be diffed line by line. */
  readonly includeCatalog?: boolean;
}

export interface SchemaFingerprintReport {
  /** sha256 of the sorted canonical catalogue: equal exactly when the described structures are equal. */
  readonly fingerprint: string;
  readonly schemas: readonly string[];
  /** Number of catalogue lines per object kind (table, column, constraint, index …). */
  readonly counts: Readonly<Record<string, number>>;
  readonly catalog?: readonly string[];
}

/**
 * One query per object kind, each returning (kind, canonical text). Names are schema-qualified and OIDs,
 * owners, ACLs and physical details (attnum holes from dropped columns, relfilenodes, statistics) are left
 * out, so a staging and a production database that ran the same migrations hash the same.
 */
const catalogQueries: readonly string[] = [
  `SELECT 'schema', n.nspname FROM pg_namespace n WHERE n.nspname = ANY($1)`,
  `SELECT 'relation', format('%I.%I kind=%s persistence=%s rls=%s force_rls=%s partkey=%s options=%s', n.nspname, c.relname, c.relkind,
          c.relpersistence, c.relrowsecurity, c.relforcerowsecurity, coalesce(pg_get_partkeydef(c.oid), ''), coalesce(c.reloptions::text, ''))
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c')`,
  `SELECT 'column', format('%I.%I #%s %I %s notnull=%s default=%s identity=%s generated=%s collation=%s', n.nspname, c.relname,
          row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
          coalesce(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity, a.attgenerated,
          CASE WHEN a.attcollation <> t.typcollation THEN coalesce(co.collname, '') ELSE '' END)
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_type t ON t.oid = a.atttypid
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     LEFT JOIN pg_collation co ON co.oid = a.attcollation
    WHERE n.nspname = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')`,
  `SELECT 'constraint', format('%I.%I %I %s', n.nspname, coalesce(c.relname, t.typname), con.conname, pg_get_constraintdef(con.oid, true))
     FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace
     LEFT JOIN pg_class c ON c.oid = con.conrelid LEFT JOIN pg_type t ON t.oid = con.contypid
    WHERE n.nspname = ANY($1)`,
  `SELECT 'index', format('%s valid=%s', pg_get_indexdef(i.indexrelid), i.indisvalid)
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY($1)`,
  `SELECT 'view', format('%I.%I %s', n.nspname, c.relname, pg_get_viewdef(c.oid, true))
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY($1) AND c.relkind IN ('v', 'm')`,
  `SELECT 'sequence', format('%I.%I %s start=%s inc=%s min=%s max=%s cache=%s cycle=%s', n.nspname, c.relname, format_type(s.seqtypid, NULL),
          s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle)
     FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY($1)`,
  `SELECT 'function', pg_get_functiondef(p.oid)
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = ANY($1) AND p.prokind IN ('f', 'p')
      AND NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.objid = p.oid AND dep.deptype = 'e')`,
  `SELECT 'aggregate', format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = ANY($1) AND p.prokind IN ('a', 'w')`,
  `SELECT 'trigger', pg_get_triggerdef(tg.oid, true)
     FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY($1) AND NOT tg.tgisinternal`,
  `SELECT 'policy', format('%I.%I %I permissive=%s cmd=%s roles=%s using=%s check=%s', schemaname, tablename, policyname,
          permissive, cmd, roles::text, coalesce(qual, ''), coalesce(with_check, ''))
     FROM pg_policies WHERE schemaname = ANY($1)`,
  `SELECT 'enum', format('%I.%I %s', n.nspname, t.typname, (SELECT string_agg(quote_literal(e.enumlabel), ',' ORDER BY e.enumsortorder)
                                                           FROM pg_enum e WHERE e.enumtypid = t.oid))
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = ANY($1) AND t.typtype = 'e'`,
  `SELECT 'domain', format('%I.%I %s notnull=%s default=%s', n.nspname, t.typname, format_type(t.typbasetype, t.typtypmod), t.typnotnull,
          coalesce(t.typdefault, ''))
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname = ANY($1) AND t.typtype = 'd'`,
  `SELECT 'extension', format('%I %s in %I', e.extname, e.extversion, n.nspname)
     FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE n.nspname = ANY($1)`,
];

/**
 * A stable hash of the structure of the migrated schemas (history schema excluded), so a pipeline can check
 * that production ended up exactly as staging did. Read-only; run it right after apply.
 */
export async function schemaFingerprint(input: SchemaFingerprintInput, deps: MigrationDeps): Promise<SchemaFingerprintReport> {
  const session = await openMigrationSession(deps.db, { applicationName: 'dbarch-fingerprint', clientConnectionCheckInterval: '1s' });
  try {
    const { client } = session;
    // An empty search_path makes every catalogue function print fully qualified names, the same everywhere.
    await client.query(`SET search_path = ''`);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const schemas =
        input.schemas !== undefined
          ? [...input.schemas].sort()
          : (
              await client.query<{ nspname: string }>(
                `SELECT nspname FROM pg_namespace
                  WHERE nspname <> ALL($1) AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname`,
                [[input.historySchema ?? defaultHistorySchema]],
              )
            ).rows.map((row) => row.nspname);
      const lines: string[] = [];
      const counts: Record<string, number> = {};
      for (const sql of catalogQueries) {
        const result = await client.query<[string, string]>({ text: sql, values: [schemas], rowMode: 'array' });
        for (const [kind, text] of result.rows) {
          lines.push(`${kind}\t${text}`);
          counts[kind] = (counts[kind] ?? 0) + 1;
        }
      }
      lines.sort();
      const fingerprint = createHash('sha256').update(lines.join('\n'), 'utf8').digest('hex');
      return { fingerprint, schemas, counts, ...(input.includeCatalog ? { catalog: lines } : {}) };
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
    }
  } catch (error) {
    throw toMigrationError(error, null, session.lost());
  } finally {
    await session.close().catch(() => undefined);
  }
}
