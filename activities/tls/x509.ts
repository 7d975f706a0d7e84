// @peculiar/x509 (2.x): X.509 certificates over WebCrypto, so keys are made and signed by Node's own crypto
// (OpenSSL) while the library only encodes ASN.1. node:crypto reads certificates but cannot issue them, and
// node-forge signs in pure JavaScript without ECDSA. Its dependency injection (tsyringe) needs the Reflect
// metadata polyfill loaded first; this module is the one place that imports the library.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };

/** ECDSA P-256 with SHA-256 for every key dbarch makes: fast to generate, accepted by every TLS 1.3 peer. */
export const keyAlgorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
