import { expect } from 'chai';
import { libpqChildEnv } from '../../activities/postgres/libpqChildEnv.ts';

describe('libpqChildEnv: a connection for a child tool without the password in its argv', () => {
  it('moves a URL-encoded userinfo password into PGPASSWORD, decoded, and keeps the rest of the URL', () => {
    const child = libpqChildEnv('postgres://ops:p%40ss%3Aw%2Frd@db.internal:6432/orders?sslmode=require&application_name=x');
    expect(child.url).to.equal('postgres://ops@db.internal:6432/orders?sslmode=require&application_name=x');
    expect(child.env).to.deep.equal({ PGPASSWORD: 'p@ss:w/rd' });
  });

  it('moves a ?password= parameter too', () => {
    const child = libpqChildEnv('postgresql://ops@db/orders?password=s3cret&sslmode=disable');
    expect(child.url).to.equal('postgresql://ops@db/orders?sslmode=disable');
    expect(child.env).to.deep.equal({ PGPASSWORD: 's3cret' });
  });

  it('leaves a URL without password alone and sets no PGPASSWORD (the worker\'s own environment applies)', () => {
    const child = libpqChildEnv('postgres://postgres@127.0.0.1:5432/postgres');
    expect(child.url).to.equal('postgres://postgres@127.0.0.1:5432/postgres');
    expect(child.env).to.deep.equal({});
  });

  it('splits a keyword/value connection string', () => {
    const child = libpqChildEnv("host=db dbname=orders password='it\\'s a \\\\ secret' user=ops");
    expect(child).to.deep.include({ url: 'host=db dbname=orders user=ops', env: { PGPASSWORD: "it's a \\ secret" } });
    expect(libpqChildEnv('host=db password=plain user=ops')).to.deep.include({ url: 'host=db user=ops', env: { PGPASSWORD: 'plain' } });
  });

  it('redacts the password, encoded or not, and any URL\'s password from tool output', () => {
    const child = libpqChildEnv('postgres://ops:p%40ss@db/orders');
    const redacted = child.redact('FATAL: password p@ss rejected for postgres://ops:p%40ss@db/orders and postgres://x:other@h/d');
    expect(redacted).to.not.contain('p@ss').and.not.contain('p%40ss').and.not.contain('other');
    expect(redacted).to.contain('***');
  });
});
