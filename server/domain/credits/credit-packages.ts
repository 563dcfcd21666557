// Top-up prices: the configured packages (CREDIT_PACKAGES, default starter/pro/scale) and custom
// amounts between CUSTOM_TOPUP_MIN and CUSTOM_TOPUP_MAX at CREDIT_PRICE_CENTS per credit.
import type { Config } from '../../config.ts';
import type { TopupInput } from '../billing/billing-schemas.ts';
import { AppError } from '../errors.ts';

export const CUSTOM_PACKAGE_ID = 'custom';
/** Stripe's largest amount for one payment (8 digits in the smallest currency unit). */
const MAX_AMOUNT_CENTS = 99_999_999;

export type CreditOffer = {
  packages: { id: string; name: string; credits: number; priceCents: number; currency: string }[];
  custom: { min: number; max: number; priceCentsPerCredit: number; currency: string };
};

export function listCreditPackages(config: Pick<Config, 'billing'>): CreditOffer {
  const b = config.billing;
  return {
    packages: b.packages.map((p) => ({ id: p.id, name: p.name, credits: p.credits, priceCents: p.priceCents, currency: b.currency })),
    custom: { min: b.customTopupMin, max: b.customTopupMax, priceCentsPerCredit: b.creditPriceCents, currency: b.currency },
  };
}

export type PricedTopup = { packageId: string; packageName: string; credits: number; amountCents: number; currency: string };

const invalid = (path: string, message: string) => new AppError('VALIDATION_ERROR', 'Invalid request', { details: [{ path, message }] });

/** Resolves a top-up request to credits and a price; 400 VALIDATION_ERROR for anything else. */
export function priceTopup(config: Pick<Config, 'billing'>, input: TopupInput): PricedTopup {
  const b = config.billing;
  const packageId = input.package ?? CUSTOM_PACKAGE_ID;
  if (packageId !== CUSTOM_PACKAGE_ID) {
    const pkg = b.packages.find((p) => p.id === packageId);
    if (!pkg) throw invalid('package', `Unknown package; choose one of ${[...b.packages.map((p) => p.id), CUSTOM_PACKAGE_ID].join(', ')}`);
    if (input.credits !== undefined && input.credits !== pkg.credits) {
      throw invalid('credits', `The ${pkg.id} package contains ${pkg.credits} credits; omit credits or use package "custom"`);
    }
    return { packageId: pkg.id, packageName: pkg.name, credits: pkg.credits, amountCents: pkg.priceCents, currency: b.currency };
  }
  if (input.credits === undefined) throw invalid('credits', 'A custom top-up needs a number of credits');
  if (input.credits < b.customTopupMin || input.credits > b.customTopupMax) {
    throw invalid('credits', `A custom top-up is between ${b.customTopupMin} and ${b.customTopupMax} credits`);
  }
  const amountCents = input.credits * b.creditPriceCents;
  if (amountCents > MAX_AMOUNT_CENTS) throw invalid('credits', 'This amount is too large for one payment');
  return { packageId: CUSTOM_PACKAGE_ID, packageName: 'Custom', credits: input.credits, amountCents, currency: b.currency };
}
