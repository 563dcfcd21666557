// The `days` search parameter of the dashboard and the usage page (7, 30 or 90; 30 when absent).
import { z } from 'zod';
import { RANGE_DAYS, type RangeDays } from './segmented-control.tsx';

export const DEFAULT_RANGE: RangeDays = 30;

export const rangeSearchSchema = z.object({
  days: z.literal(RANGE_DAYS).optional().catch(undefined),
});

export function rangeOf(search: { days?: RangeDays }): RangeDays {
  return search.days ?? DEFAULT_RANGE;
}
