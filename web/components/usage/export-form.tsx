// Export usage events of a range of whole UTC days as CSV or JSON. The server writes the file and
// answers a short-lived download link, which the browser then follows (the response is an
// attachment, so the page stays where it is).
import { useMutation } from '@tanstack/react-query';
import { Download } from 'lucide-react';
import { useId, useState } from 'react';
import type * as React from 'react';
import { toast } from 'sonner';
import { MAX_EXPORT_DAYS, usageExportInput } from '../../../server/domain/usage/usage-schemas.ts';
import { errorMessage } from '../../lib/errors.ts';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import { useSchemaForm } from '../../lib/forms.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { FormAlert } from '../form-alert.tsx';
import { TextField } from '../text-field.tsx';
import { Button } from '../ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../ui/card.tsx';
import { Label } from '../ui/label.tsx';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '../ui/select.tsx';

type Format = 'csv' | 'json';

function utcDay(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** Follows the download link; an attachment response downloads without leaving the page. */
function startDownload(url: string) {
  const a = document.createElement('a');
  a.href = url;
  a.rel = 'noopener';
  a.download = '';
  document.body.append(a);
  a.click();
  a.remove();
}

export function ExportForm() {
  const trpc = useTRPC();
  const formatId = useId();
  const [startDate, setStartDate] = useState(() => utcDay(-29));
  const [endDate, setEndDate] = useState(() => utcDay());
  const [format, setFormat] = useState<Format>('csv');
  const form = useSchemaForm();
  const { errors, clear } = form;
  const [lastExport, setLastExport] = useState<{ url: string; rows: number; expiresAt: Date; format: Format } | null>(null);

  const exportUsage = useMutation(
    trpc.usage.export.mutationOptions({
      onSuccess: (result, variables) => {
        setLastExport({ url: result.downloadUrl, rows: result.rows, expiresAt: new Date(result.expiresAt), format: variables.format });
        startDownload(result.downloadUrl);
        toast.success(`Export ready: ${formatNumber(result.rows)} ${result.rows === 1 ? 'row' : 'rows'}`);
      },
      onError: (error) => {
        if (!form.fromServer(error)) form.setFormError(errorMessage(error, 'Could not export usage. Please try again.'));
      },
    }),
  );

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    form.submit(usageExportInput, { startDate, endDate, format }, exportUsage.mutate);
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Export usage</CardTitle>
        <CardDescription>
          Every usage event (invocations, uploads, deployments, API calls) of whole UTC days, up to {MAX_EXPORT_DAYS} days at a time.
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form noValidate onSubmit={onSubmit} className="grid gap-4" aria-label="Export usage">
          {form.formError ? <FormAlert>{form.formError}</FormAlert> : null}
          <div className="grid gap-4 sm:grid-cols-[1fr_1fr_10rem_auto] sm:items-start">
            <TextField
              label="From"
              name="startDate"
              type="date"
              required
              value={startDate}
              max={endDate || undefined}
              onChange={(e) => {
                setStartDate(e.currentTarget.value);
                clear('startDate');
              }}
              error={errors.startDate}
            />
            <TextField
              label="To"
              name="endDate"
              type="date"
              required
              value={endDate}
              min={startDate || undefined}
              onChange={(e) => {
                setEndDate(e.currentTarget.value);
                clear('endDate');
              }}
              error={errors.endDate}
            />
            <div className="grid gap-2">
              <Label htmlFor={formatId}>Format</Label>
              <Select value={format} onValueChange={(v) => setFormat(v as Format)}>
                <SelectTrigger id={formatId}>
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value="csv">CSV</SelectItem>
                  <SelectItem value="json">JSON</SelectItem>
                </SelectContent>
              </Select>
            </div>
            <Button type="submit" className="sm:mt-[22px]" pending={exportUsage.isPending}>
              {exportUsage.isPending ? null : <Download aria-hidden="true" />}
              Export
            </Button>
          </div>
          {lastExport ? (
            <p className="text-xs text-muted-foreground" role="status">
              {formatNumber(lastExport.rows)} {lastExport.rows === 1 ? 'row' : 'rows'} exported.{' '}
              <a href={lastExport.url} download className="font-medium text-primary underline-offset-4 hover:underline">
                Download the {lastExport.format.toUpperCase()} again
              </a>{' '}
              (link valid until {formatDateTime(lastExport.expiresAt)}).
            </p>
          ) : (
            <p className="text-xs text-muted-foreground">Dates are UTC days. The file downloads as soon as it is ready.</p>
          )}
        </form>
      </CardContent>
    </Card>
  );
}
