/**
 * How the cache names what it stores in Redis, shared by the cache and `dbarch cache check`: the namespace is the
 * part of a key before its first `:`; entries live at `<prefix><namespace>@<version>:<rest>`, the namespace's
 * version at `<prefix>__version:<namespace>` (absent: 0), a tag's members at `<prefix>__tag:<tag>`, write-behind
 * writes waiting for PostgreSQL in the stream `<prefix>__write_behind`.
 */
export function cacheKeys(prefix: string) {
  const namespaceOf = (key: string) => (key.includes(':') ? key.slice(0, key.indexOf(':')) : key);
  return {
    namespaceOf,
    version: (namespace: string) => `${prefix}__version:${namespace}`,
    tag: (tag: string) => `${prefix}__tag:${tag}`,
    writeBehind: `${prefix}__write_behind`,
    entry: (key: string, version: string) => `${prefix}${namespaceOf(key)}@${version}:${key.slice(namespaceOf(key).length + 1)}`,
    /** The logical key of an entry name, given the namespace and version it was found under. */
    logical: (entry: string, namespace: string, version: string) => `${namespace}:${entry.slice(`${prefix}${namespace}@${version}:`.length)}`,
  };
}
