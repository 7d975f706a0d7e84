import type { ConnectionLike } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import proto from '@temporalio/proto';
import { DbarchError, isDbarchError } from '../errors/DbarchError.ts';
import { dbarchSearchAttributes } from '../workflows/searchAttributes.ts';
import { grpcCause, grpcStatus, type GrpcLike } from './grpcCause.ts';
import type { Logger } from './logger.ts';

/** What `dbarch temporal setup` (and a worker at start) found in the namespace and what it added. */
export interface EnsuredSearchAttributes {
  readonly namespace: string;
  readonly added: readonly string[];
  readonly present: readonly string[];
}

/** A search attribute key (the SDK's SearchAttributeKey, which @temporalio/common does not export by name). */
interface Key {
  readonly name: string;
  readonly type: SearchAttributeType;
}
const wanted: readonly Key[] = Object.values(dbarchSearchAttributes);

/** The operator service's enum value of a type (the proto package is CommonJS: no named import). */
const indexedValueType = (type: SearchAttributeType): number => proto.temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${type}`];

/** The Temporal CLI's spelling of each type (`--type Keyword`). */
const cliTypeNames: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/**
 * Registers dbarch's search attributes in the namespace through the operator service, adding only those missing.
 * Throws DBA_TEMPORAL_SEARCH_ATTRIBUTES_MISSING, naming them and the commands that add them, when this caller may
 * not list or add them (no operator rights, or no operator API as on Temporal Cloud) or the cluster refuses.
 */
export async function ensureSearchAttributes(connection: ConnectionLike, namespace: string): Promise<EnsuredSearchAttributes> {
  const { missing, present } = await listDbarchSearchAttributes(connection, namespace);
  if (missing.length === 0) return { namespace, added: [], present };
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, indexedValueType(key.type)])),
    });
  } catch (error) {
    throw searchAttributesMissing(namespace, missing, `adding them failed (${describeGrpc(error)})`, error);
  }
  return { namespace, added: missing.map((key) => key.name), present };
}

/**
 * A worker's start: ensureSearchAttributes, except that a cluster whose operator API is closed to the worker
 * (Temporal Cloud, a restricted role) is only logged: an operator may well have added the attributes, and if not,
 * starting a workflow fails with the coded error.
 */
export async function ensureSearchAttributesForWorker(connection: ConnectionLike, namespace: string, log: Logger): Promise<void> {
  try {
    const ensured = await ensureSearchAttributes(connection, namespace);
    if (ensured.added.length > 0) log.info({ namespace, added: ensured.added }, 'registered search attributes');
  } catch (error) {
    if (!(isDbarchError(error) && error.details.checked === false)) throw error;
    log.warn({ code: error.code, namespace, hint: error.hint }, error.message);
  }
}

/**
 * The coded error for a workflow start the server refused (INVALID_ARGUMENT) because dbarch's search attributes
 * are missing, found by asking the operator service rather than by reading the server's message; undefined when
 * the refusal has another cause. Starting code rethrows `(await searchAttributesStartError(...)) ?? error`.
 */
export async function searchAttributesStartError(connection: ConnectionLike, namespace: string, error: unknown): Promise<DbarchError | undefined> {
  const refusal = grpcCause(error);
  if (refusal?.code !== grpcStatus.invalidArgument) return undefined;
  try {
    const { missing } = await listDbarchSearchAttributes(connection, namespace);
    if (missing.length === 0) return undefined;
    return searchAttributesMissing(namespace, missing, `Temporal refused to start the workflow (${describeGrpc(error)})`, error);
  } catch (listError) {
    if (isDbarchError(listError) && listError.code === 'DBA_TEMPORAL_SEARCH_ATTRIBUTES_MISSING') {
      return searchAttributesMissing(namespace, wanted, `Temporal refused to start the workflow (${describeGrpc(error)}), and ${String(listError.details.reason)}`, error, false);
    }
    return undefined;
  }
}

async function listDbarchSearchAttributes(connection: ConnectionLike, namespace: string): Promise<{ missing: Key[]; present: string[] }> {
  let custom: Record<string, unknown>;
  try {
    custom = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  } catch (error) {
    const grpc = grpcCause(error);
    const closed = [grpcStatus.permissionDenied, grpcStatus.unauthenticated, grpcStatus.unimplemented] as number[];
    if (grpc === undefined || !closed.includes(grpc.code)) throw error;
    throw searchAttributesMissing(namespace, wanted, `this client may not list search attributes (${describeGrpc(error)}), so they cannot be checked or added here`, error, false);
  }
  const missing: Key[] = [];
  const present: string[] = [];
  const mistyped: string[] = [];
  for (const key of wanted) {
    const found = custom[key.name];
    if (found === undefined) missing.push(key);
    else if (found === indexedValueType(key.type)) present.push(key.name);
    else mistyped.push(key.name);
  }
  if (mistyped.length > 0) {
    // Adding cannot fix these: the attribute exists under dbarch's name with another type.
    throw searchAttributesMissing(namespace, wanted.filter((key) => mistyped.includes(key.name)), 'they exist with another type; remove them (`temporal operator search-attribute remove --name <name>`) and add them again', undefined);
  }
  return { missing, present };
}

/** One message for every path: which attributes, why not added, and the commands that add them. */
function searchAttributesMissing(namespace: string, keys: readonly Key[], reason: string, cause: unknown, checked = true): DbarchError {
  const names = keys.map((key) => `${key.name} (${cliTypeNames[key.type]})`).join(', ');
  return new DbarchError('DBA_TEMPORAL_SEARCH_ATTRIBUTES_MISSING', `Temporal namespace "${namespace}" ${checked ? 'lacks' : 'may lack'} dbarch's search attributes ${names}: ${reason}.`, {
    hint: `Run \`dbarch temporal setup\` as a user with operator rights on the cluster, or \`${createCommand(namespace, keys)}\` (on Temporal Cloud, add them in the namespace's settings).`,
    details: { namespace, missing: keys.map((key) => key.name), checked, reason },
    cause,
  });
}

/** The Temporal CLI pairs each `--name` with the `--type` that follows it (one `--type` for several names adds only the first). */
export function createCommand(namespace: string, keys: readonly Key[] = wanted): string {
  return `temporal operator search-attribute create --namespace ${namespace} ${keys.map((key) => `--name ${key.name} --type ${cliTypeNames[key.type]}`).join(' ')}`;
}

function describeGrpc(error: unknown): string {
  const grpc: GrpcLike | undefined = grpcCause(error);
  if (!grpc) return error instanceof Error ? error.message : String(error);
  const name = Object.entries(grpcStatus).find(([, code]) => code === grpc.code)?.[0].replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase() ?? `code ${grpc.code}`;
  return `${name}: ${grpc.details || grpc.message || 'no details'}`;
}
