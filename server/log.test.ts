import { Writable } from 'node:stream';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { createLogger } from './log.ts';

function captured() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { log: createLogger('info', sink), lines };
}

describe('createLogger', () => {
  it('logs a failed query with its SQL but without its bound parameters', () => {
    const { log, lines } = captured();
    const cause = Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
    const err = new DrizzleQueryError('insert into users (email, password_hash) values ($1, $2)', ['alice@example.com', 'argon-hash-s3cr3t'], cause);
    log.error({ err }, 'query failed');
    const out = lines.join('');
    expect(out).toContain('insert into users (email, password_hash) values ($1, $2)');
    expect(out).toContain('duplicate key value violates unique constraint');
    expect(out).not.toContain('alice@example.com');
    expect(out).not.toContain('argon-hash-s3cr3t');
  });

  it('redacts credentials in logged objects and keeps other errors as they are', () => {
    const { log, lines } = captured();
    log.warn({ body: { password: 'hunter2-password', email: 'bob@example.com' }, err: new Error('boom') }, 'bad');
    const out = lines.join('');
    expect(out).not.toContain('hunter2-password');
    expect(out).toContain('bob@example.com');
    expect(out).toContain('boom');
  });
});
