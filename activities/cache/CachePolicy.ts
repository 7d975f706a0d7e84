/** What the cache engine is built from: cache_config reduced to what runs (the section's TTLs in ms). */
export interface CachePolicy {
  /** Prefix of every physical key dbarch writes (cache_config.key_prefix). */
  readonly keyPrefix: string;
  /** First match wins; a key no policy matches is not cached. */
  readonly ttls: readonly { readonly pattern: string; readonly ttlMs: number }[];
}
