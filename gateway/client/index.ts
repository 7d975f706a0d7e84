/** The data-plane client library: `import { DatabaseClient } from 'dbarch/client'`. */
export { DatabaseClient } from './DatabaseClient.ts';
export type { DatabaseClientOptions } from './DatabaseClientOptions.ts';
export { ClientSession } from './ClientSession.ts';
export type { TransactionClient } from './TransactionClient.ts';
export type { QueryOptions, TransactionOptions } from './QueryOptions.ts';
export type { QueryResult, QueryMeta, Consistency } from './QueryResult.ts';
export type { ReadPreference, DataPlaneTarget } from './DataPlaneTarget.ts';
export type { EndpointStatus, EndpointRole, BreakerState } from './Endpoint.ts';
export { DbarchError, isDbarchError } from '../../errors/DbarchError.ts';
