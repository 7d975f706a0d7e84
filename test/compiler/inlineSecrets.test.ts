import { expect } from 'chai';
import path from 'node:path';
import { compileSpec } from '../../compiler/compileSpec.ts';
import { isLoopbackHost } from '../../compiler/grammar/loopbackHost.ts';
import { isSecretKey } from '../../compiler/grammar/secretKey.ts';
import { writeSpecFiles } from './writeSpecFiles.ts';

describe('inline secrets', () => {
  it('names secret keys in any case and spelling, and leaves ordinary keys alone', () => {
    for (const key of ['password', 'adminPassword', 'PGPASSWORD', 'db_pass', 'MYSQL_PWD', 'passwd', 'client_secret', 'clientSecret', 'private_key', 'Private-Key', 'api_key', 'apiKey', 'X-API-Key', 'access_token', 'Authorization', 'Proxy-Authorization', 'credentials', 'aws_secret_access_key', 'encryption_key', 'ssh_passphrase']) {
      expect(isSecretKey(key), key).to.equal(true);
    }
    for (const key of ['password_rotation_days', 'tokenizer', 'token_ttl', 'secret_name', 'key_prefix', 'key_rotation', 'binding_key', 'bypass', 'compass', 'passthrough', 'authorization_model', 'certificate_authority', 'rotation_days', 'private_key_path']) {
      expect(isSecretKey(key), key).to.equal(false);
    }
  });

  it('treats only localhost, 127.0.0.0/8 and ::1 as loopback', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '[::1]']) expect(isLoopbackHost(host), host).to.equal(true);
    for (const host of ['prod.internal', '10.0.0.1', '127.0.0.256', 'localhost.evil.com', '0.0.0.0', '']) expect(isLoopbackHost(host), host).to.equal(false);
  });

  it('accepts references, loopback defaults and look-alike values', async () => {
    const yaml = `clusters:
  - name: main
    primary: \${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/app}
    databases: [a]
  - name: local
    primary: \${LOCAL_URL:-postgres://app:pw@localhost/app?sslpassword=dev}
    databases: [b]
queue_config:
  provider: rabbitmq
  url: \${AMQP_URL:-amqp://guest:guest@[::1]:5672}
  exchanges:
    - name: events
      type: fanout
failover_procedure:
  steps:
    - name: Notify
      action: webhook.post
      with:
        url: https://hooks.slack.com/services/\${SLACK_WEBHOOK_PATH}
        dsn: postgres://app@db/app?password=\${DB_PASSWORD}&sslmode=require
        headers:
          Authorization: Bearer \${SLACK_TOKEN}
          X-Api-Key: vault://secret/data/slack#key
        password_rotation_days: 90
        tokenizer: simple
        require_password: true
        bypass: yes
        note: Basic authentication is disabled; token expiry is 1h
`;
    const result = await compileSpec([path.join(writeSpecFiles({ 'spec.yaml': yaml }), 'spec.yaml')]);
    expect(result.errors.filter((e) => e.code === 'DBA_SPEC_INLINE_SECRET'), JSON.stringify(result.errors)).to.deep.equal([]);
  });

  it('says what is wrong and what to write instead', async () => {
    const yaml = 'clusters:\n  - name: main\n    primary: ${PROD_URL:-postgres://admin:RealProdPassw0rd@prod.internal/app}\n    databases: [a]\n';
    const result = await compileSpec([path.join(writeSpecFiles({ 'spec.yaml': yaml }), 'spec.yaml')]);
    const issue = result.errors.find((e) => e.code === 'DBA_SPEC_INLINE_SECRET');
    expect(issue?.message).to.contain('${PROD_URL}').and.contain('prod.internal').and.contain('loopback');
    expect(issue?.hint).to.contain('PROD_URL');
  });
});
