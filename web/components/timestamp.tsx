import { formatDateTime, formatRelative } from '../lib/format.ts';

/** A date as a `<time>` element: shown relative ("3 minutes ago") or as `show` renders it, full date and time on hover. */
export function Timestamp({ value, show = formatRelative }: { value: Date | string; show?: (value: Date | string) => string }) {
  return (
    <time dateTime={new Date(value).toISOString()} title={formatDateTime(value)}>
      {show(value)}
    </time>
  );
}
