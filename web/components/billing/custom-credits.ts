// Client-side check of a custom top-up amount, with the limits the server announces.
import { formatNumber } from '../../lib/format.ts';

export type CustomOffer = { min: number; max: number; priceCentsPerCredit: number; currency: string };

export function parseCustomCredits(raw: string, custom: CustomOffer): { ok: true; credits: number } | { ok: false; error: string } {
  const text = raw.trim();
  if (text === '') return { ok: false, error: 'Enter a number of credits' };
  if (!/^\d+$/.test(text)) return { ok: false, error: 'Enter a whole number of credits' };
  const credits = Number(text);
  if (credits < custom.min || credits > custom.max) {
    return { ok: false, error: `Choose between ${formatNumber(custom.min)} and ${formatNumber(custom.max)} credits` };
  }
  return { ok: true, credits };
}
