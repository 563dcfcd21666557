import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.ts';
import { AppError } from '../errors.ts';
import { listCreditPackages, priceTopup } from './credit-packages.ts';

const config = loadConfig({});

const details = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('VALIDATION_ERROR');
    return (err as AppError).details as { path: string; message: string }[];
  }
  throw new Error('expected a VALIDATION_ERROR');
};

describe('priceTopup', () => {
  it('prices the default packages', () => {
    expect(priceTopup(config, { package: 'starter' })).toEqual({ packageId: 'starter', packageName: 'Starter', credits: 1000, amountCents: 1000, currency: 'usd' });
    expect(priceTopup(config, { package: 'pro', credits: 5000 })).toMatchObject({ credits: 5000, amountCents: 4500 });
    expect(priceTopup(config, { package: 'scale' })).toMatchObject({ credits: 25000, amountCents: 20000 });
  });

  it('prices custom amounts within bounds at CREDIT_PRICE_CENTS', () => {
    expect(priceTopup(config, { credits: 100 })).toMatchObject({ packageId: 'custom', credits: 100, amountCents: 100 });
    expect(priceTopup(config, { package: 'custom', credits: 100000 })).toMatchObject({ amountCents: 100000 });
    const pricier = loadConfig({ CREDIT_PRICE_CENTS: '3', CUSTOM_TOPUP_MIN: '10', CUSTOM_TOPUP_MAX: '50', CREDIT_CURRENCY: 'EUR' });
    expect(priceTopup(pricier, { credits: 20 })).toMatchObject({ amountCents: 60, currency: 'eur' });
    expect(details(() => priceTopup(pricier, { credits: 51 }))[0]).toMatchObject({ path: 'credits', message: 'A custom top-up is between 10 and 50 credits' });
  });

  it('refuses unknown packages, mismatched credits and missing amounts', () => {
    expect(details(() => priceTopup(config, { package: 'gold' }))[0].path).toBe('package');
    expect(details(() => priceTopup(config, { package: 'starter', credits: 5 }))[0].path).toBe('credits');
    expect(details(() => priceTopup(config, { package: 'custom' }))[0].path).toBe('credits');
    expect(details(() => priceTopup(config, { credits: 99 }))[0].path).toBe('credits');
  });
});

describe('CREDIT_PACKAGES and the other billing variables', () => {
  it('defaults', () => {
    expect(config.billing).toEqual({
      packages: [
        { id: 'starter', name: 'Starter', credits: 1000, priceCents: 1000 },
        { id: 'pro', name: 'Pro', credits: 5000, priceCents: 4500 },
        { id: 'scale', name: 'Scale', credits: 25000, priceCents: 20000 },
      ],
      creditPriceCents: 1,
      currency: 'usd',
      customTopupMin: 100,
      customTopupMax: 100000,
      lowBalanceThreshold: 50,
    });
    expect(config.usageExport).toEqual({ urlTtlSeconds: 86400 });
    expect(listCreditPackages(config).custom).toEqual({ min: 100, max: 100000, priceCentsPerCredit: 1, currency: 'usd' });
  });

  it('reads a JSON list of packages', () => {
    const c = loadConfig({ CREDIT_PACKAGES: '[{"id":"mini","credits":500,"price_cents":600},{"id":"max","name":"Max","credits":9000,"price_cents":8000}]' });
    expect(c.billing.packages).toEqual([
      { id: 'mini', name: 'Mini', credits: 500, priceCents: 600 },
      { id: 'max', name: 'Max', credits: 9000, priceCents: 8000 },
    ]);
  });

  it('stops on bad values, naming the variable', () => {
    for (const env of [
      { CREDIT_PACKAGES: 'not json' },
      { CREDIT_PACKAGES: '[]' },
      { CREDIT_PACKAGES: '[{"id":"custom","credits":1,"price_cents":100}]' },
      { CREDIT_PACKAGES: '[{"id":"a","credits":1,"price_cents":100},{"id":"a","credits":2,"price_cents":200}]' },
      { CREDIT_PACKAGES: '[{"id":"a","credits":0,"price_cents":100}]' },
      { CUSTOM_TOPUP_MIN: '500', CUSTOM_TOPUP_MAX: '100' },
      { CREDIT_CURRENCY: 'dollars' },
      { EXPORT_URL_TTL_SECONDS: '0' },
    ]) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
      try {
        loadConfig(env);
      } catch (err) {
        expect((err as Error).message).toContain(Object.keys(env).at(-1)!);
      }
    }
  });
});
