// The `days` search parameter of the dashboard and the usage page (7, 30 or 90; 30 when absent).
import { z } from 'zod/mini';
import { optionalParam } from '../../lib/search-params.ts';

export const RANGE_DAYS = [7, 30, 90] as const;
export type RangeDays = (typeof RANGE_DAYS)[number];

export const DEFAULT_RANGE: RangeDays = 30;

export const rangeSearchSchema = z.object({
  days: optionalParam(z.literal(RANGE_DAYS)),
});

export function rangeOf(search: { days?: RangeDays }): RangeDays {
  return search.days ?? DEFAULT_RANGE;
}
