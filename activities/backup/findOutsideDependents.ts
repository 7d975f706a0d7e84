import type pg from 'pg';

export interface OutsideDependent {
  /** The object outside the schemas, e.g. `child_id_fkey on public.child` or a view `public.customer_emails`. */
  readonly dependent: string;
  readonly type: string;
  /** What it depends on inside the schemas. */
  readonly on: string;
}

/**
 * The schema an object lives in, by its catalogue: sub-objects of a table (defaults, triggers, policies,
 * rules) live in their table's schema. Kinds not listed give NULL and count as outside (publication
 * memberships, extensions, casts), which errs on the side of reporting.
 */
function namespaceOf(classid: string, objid: string): string {
  const viaTable = (catalog: string, tableColumn: string) =>
    `(SELECT c.relnamespace FROM pg_catalog.${catalog} x JOIN pg_class c ON c.oid = x.${tableColumn} WHERE x.oid = ${objid})`;
  return `CASE ${classid}
      WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = ${objid})
      WHEN 'pg_rewrite'::regclass THEN ${viaTable('pg_rewrite', 'ev_class')}
      WHEN 'pg_attrdef'::regclass THEN ${viaTable('pg_attrdef', 'adrelid')}
      WHEN 'pg_trigger'::regclass THEN ${viaTable('pg_trigger', 'tgrelid')}
      WHEN 'pg_policy'::regclass THEN ${viaTable('pg_policy', 'polrelid')}
      WHEN 'pg_constraint'::regclass THEN (SELECT connamespace FROM pg_constraint WHERE oid = ${objid})
      WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = ${objid})
      WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = ${objid})
      WHEN 'pg_collation'::regclass THEN (SELECT collnamespace FROM pg_collation WHERE oid = ${objid})
      WHEN 'pg_operator'::regclass THEN (SELECT oprnamespace FROM pg_operator WHERE oid = ${objid})
      WHEN 'pg_statistic_ext'::regclass THEN (SELECT stxnamespace FROM pg_statistic_ext WHERE oid = ${objid})
      WHEN 'pg_namespace'::regclass THEN ${objid}
    END`;
}

/**
 * Objects outside `schemas` that `DROP SCHEMA … CASCADE` would take with it: foreign keys, views, columns of
 * a type defined inside, publication memberships. A view's dependency is recorded on its rewrite rule, so
 * rules are reported as their view.
 */
export async function findOutsideDependents(client: pg.ClientBase, schemas: readonly string[]): Promise<OutsideDependent[]> {
  const { rows } = await client.query<OutsideDependent>(
    `WITH targets AS (SELECT oid FROM pg_namespace WHERE nspname = ANY($1)),
     edges AS (
       SELECT d.*, ${namespaceOf('d.classid', 'd.objid')} AS dep_ns, ${namespaceOf('d.refclassid', 'd.refobjid')} AS ref_ns
         FROM pg_depend d
        WHERE d.deptype IN ('n', 'a'))
     SELECT DISTINCT dep.identity AS dependent, dep.type, ref.identity AS "on"
       FROM edges e
       LEFT JOIN pg_rewrite r ON e.classid = 'pg_rewrite'::regclass AND r.oid = e.objid
       CROSS JOIN LATERAL pg_identify_object(e.refclassid, e.refobjid, e.refobjsubid) ref
       CROSS JOIN LATERAL pg_identify_object(
              CASE WHEN r.oid IS NULL THEN e.classid ELSE 'pg_class'::regclass END,
              coalesce(r.ev_class, e.objid),
              CASE WHEN r.oid IS NULL THEN e.objsubid ELSE 0 END) dep
      WHERE e.ref_ns IN (SELECT oid FROM targets)
        AND (e.dep_ns IS NULL OR e.dep_ns NOT IN (SELECT oid FROM targets))
      ORDER BY 1, 3`,
    [schemas],
  );
  return rows;
}
