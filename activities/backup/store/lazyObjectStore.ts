import { Readable } from 'node:stream';
import type { ObjectStore } from './ObjectStore.ts';

/**
 * An ObjectStore whose implementation is loaded on first use. The AWS SDK takes ~0.15 s to load: a command that
 * only touches file:// (every wal-fetch PostgreSQL runs, a restore from a local repository) must not pay for it.
 */
export function lazyObjectStore(destination: string, load: () => Promise<ObjectStore>): ObjectStore {
  let loaded: Promise<ObjectStore> | undefined;
  const store = () => (loaded ??= load());
  return {
    destination,
    put: async (key, body, options) => {
      // A stream that fails while the implementation loads must not fail unobserved: its error is what the
      // loaded put() then meets (it reads an errored stream).
      if (body instanceof Readable) body.on('error', () => undefined);
      return (await store()).put(key, body, options);
    },
    get: async (...args) => (await store()).get(...args),
    getBytes: async (...args) => (await store()).getBytes(...args),
    head: async (...args) => (await store()).head(...args),
    list: async (...args) => (await store()).list(...args),
    delete: async (...args) => (await store()).delete(...args),
    removeIncomplete: async (...args) => (await store()).removeIncomplete(...args),
  };
}
