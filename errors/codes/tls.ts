import { defineCodes } from './ErrorCodeInfo.ts';

/** Codes of the TLS capability: the internal CA, member certificates, rotation, client certificates. */
export const tlsCodes = defineCodes({
  DBA_TLS_NOT_CONFIGURED: {
    summary: 'The spec asks for no TLS that dbarch can carry out: security_config.encryption.in_transit names no `internal_ca`.',
    hint: 'Add `internal_ca: file:///path/to/internal-ca.pem` (created on first use) or `${ENV}` under security_config.encryption.in_transit.',
    retryable: false,
  },
  DBA_TLS_CA_MISSING: {
    summary: 'The internal CA cannot be read from its reference: the environment variable is unset, the file is unreadable, or the provider is not available.',
    hint: 'For `${ENV}`, store the output of `dbarch tls init-ca` in the variable; a `file://` reference is created on first use when its directory exists.',
    retryable: false,
  },
  DBA_TLS_CA_INVALID: {
    summary: 'The internal CA reference holds something that is not a CA: no PEM private key and CA certificate, a key that does not match, or a certificate that is not a CA.',
    hint: 'The value is the PEM private key of the CA followed by its certificate (and optionally the certificates of earlier CAs still trusted), as `dbarch tls init-ca` writes it.',
    retryable: false,
  },
  DBA_TLS_UNKNOWN_ROLE: {
    summary: 'A client certificate was asked for a role that does not authenticate by certificate in the spec.',
    hint: 'Client certificates are issued for the login members of security_config.authorization.roles when authentication.method is `certificate`.',
    retryable: false,
  },
  DBA_TLS_RELOAD_FAILED: {
    summary: 'A member could not be told to reload its configuration (pg_reload_conf) after its certificate was written, or refused the new files.',
    hint: 'The member keeps serving with its previous certificate; read its log (the details name it), fix what it reports and run `dbarch tls rotate` again.',
    retryable: true,
  },
});
