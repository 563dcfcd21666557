// A small single-choice switch (Radix ToggleGroup: radio semantics, arrow keys move between items).
import { ToggleGroup } from 'radix-ui';
import { cn } from '../../lib/utils.ts';
import { RANGE_DAYS, type RangeDays } from './range-search.ts';

export type SegmentedOption<T extends string> = { value: T; label: string; ariaLabel?: string };

export function SegmentedControl<T extends string>({
  label,
  value,
  options,
  onChange,
  className,
}: {
  /** Accessible name of the group, e.g. "Time range". */
  label: string;
  value: T;
  options: SegmentedOption<T>[];
  onChange: (value: T) => void;
  className?: string;
}) {
  return (
    <ToggleGroup.Root
      type="single"
      value={value}
      onValueChange={(next) => {
        // Clicking the active item would clear the selection: keep one value chosen.
        if (next) onChange(next as T);
      }}
      aria-label={label}
      className={cn('inline-flex shrink-0 items-center gap-0.5 rounded-lg border bg-muted p-0.5', className)}
    >
      {options.map((option) => (
        <ToggleGroup.Item
          key={option.value}
          value={option.value}
          aria-label={option.ariaLabel}
          className="h-7 rounded-md px-2.5 text-xs font-medium text-muted-foreground outline-none transition-colors hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring data-[state=on]:bg-card data-[state=on]:text-foreground data-[state=on]:shadow-xs"
        >
          {option.label}
        </ToggleGroup.Item>
      ))}
    </ToggleGroup.Root>
  );
}

export const RANGE_OPTIONS: SegmentedOption<`${RangeDays}`>[] = RANGE_DAYS.map((d) => ({
  value: `${d}` as `${RangeDays}`,
  label: `${d}d`,
  ariaLabel: `Last ${d} days`,
}));

export function RangeSwitch({ days, onChange, className }: { days: RangeDays; onChange: (days: RangeDays) => void; className?: string }) {
  return (
    <SegmentedControl
      label="Time range"
      value={`${days}`}
      options={RANGE_OPTIONS}
      onChange={(v) => onChange(Number(v) as RangeDays)}
      className={className}
    />
  );
}
