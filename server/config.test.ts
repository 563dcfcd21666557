import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has defaults that make the embedded mode work with nothing set', () => {
    const c = loadConfig({});
    expect(c.port).toBe(4000);
    expect(c.publicUrl).toBe('http://localhost:4000');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toMatch(/\.data$/);
    expect(c.signupCredits).toBe(100);
    expect(c.requireEmailVerification).toBe(true);
    expect(c.rateLimit).toEqual({ authenticatedPerHour: 1000, anonymousPerHour: 100 });
    expect(c.smtpUrl).toBeUndefined();
  });

  it('derives PUBLIC_URL from PORT and strips a trailing slash from an explicit one', () => {
    expect(loadConfig({ PORT: '5000' }).publicUrl).toBe('http://localhost:5000');
    expect(loadConfig({ PUBLIC_URL: 'https://cloud.example.com/' }).publicUrl).toBe('https://cloud.example.com');
  });

  it('stops with a message naming every bad variable', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', REQUIRE_EMAIL_VERIFICATION: 'maybe', SIGNUP_CREDITS: '-5' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    for (const name of ['PORT', 'DATABASE_URL', 'REQUIRE_EMAIL_VERIFICATION', 'SIGNUP_CREDITS']) expect(message).toContain(name);
  });

  it('reads booleans and numbers', () => {
    const c = loadConfig({ REQUIRE_EMAIL_VERIFICATION: 'false', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', RATE_LIMIT_ANONYMOUS_PER_HOUR: '7' });
    expect(c.requireEmailVerification).toBe(false);
    expect(c.webhookAllowPrivateTargets).toBe(true);
    expect(c.rateLimit.anonymousPerHour).toBe(7);
  });
});
