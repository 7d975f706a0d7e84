/**
 * Name patterns used across sections, each with the sentence an error shows when a name does not match (ajv
 * only knows the regular expression).
 */
export const namePatterns = {
  /** Services, clusters, mesh services, exchanges, queues, environments: `user-service`, `database.events`. */
  name: { pattern: '^[a-z0-9][a-z0-9_.-]{0,62}$', description: 'lowercase letters, digits, `_`, `-` and `.`, starting with a letter or digit, at most 63 characters' },
  /** PostgreSQL identifiers that dbarch creates or connects to unquoted: databases, roles, slots. */
  identifier: { pattern: '^[a-z_][a-z0-9_$]{0,62}$', description: 'a lowercase PostgreSQL identifier: letters, digits, `_`, starting with a letter or `_`, at most 63 characters' },
  /** Tables, optionally schema-qualified: `users`, `billing.invoices`. */
  table: { pattern: '^([a-z_][a-z0-9_$]{0,62}\\.)?[a-z_][a-z0-9_$]{0,62}$', description: 'a lowercase table name, optionally schema-qualified (`schema.table`)' },
  /** Events and topics: dot-separated words, `user.update`, `database.users.changes`. */
  event: { pattern: '^[a-z0-9_-]+(\\.[a-z0-9_-]+)*$', description: 'dot-separated lowercase words, e.g. `user.update`' },
  /** Hosts: DNS names or IPv4 addresses. */
  host: { pattern: '^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$', description: 'a DNS name or IPv4 address' },
  /** Activity names of structured steps: `migrations.apply`, `replication.promote`. */
  action: { pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-zA-Z0-9_]*)*$', description: 'an activity name such as `migrations.apply` (lowercase words joined by dots)' },
  /** Cache key globs: `user:*`. */
  keyPattern: { pattern: '^[^\\s]+$', description: 'a key glob without spaces, e.g. `user:*`' },
  /** Cloud regions: `us-west-2`, `europe-west1`. */
  region: { pattern: '^[a-z]{2,}(-[a-z]+)+-?[0-9]+$', description: 'a cloud region such as `us-west-2`' },
} as const satisfies Record<string, { pattern: string; description: string }>;

export function patternDescription(pattern: string): string | undefined {
  return Object.values(namePatterns).find((p) => p.pattern === pattern)?.description;
}
