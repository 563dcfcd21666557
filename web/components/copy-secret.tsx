import { Check, Copy, TriangleAlert } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import type * as React from 'react';
import { toast } from 'sonner';
import { Button } from './ui/button.tsx';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from './ui/dialog.tsx';
import { Input } from './ui/input.tsx';
import { Label } from './ui/label.tsx';

/** Shows a secret once, read-only, with a Copy button and a "will not be shown again" warning. */
export function CopySecret({
  label,
  value,
  testId = 'new-api-key',
  warning = 'Copy this key now and store it somewhere safe. For your security it will not be shown again.',
}: {
  label: string;
  value: string;
  testId?: string;
  warning?: string;
}) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 2000);
    return () => clearTimeout(timer);
  }, [copied]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      toast.success('Copied');
    } catch {
      inputRef.current?.select();
      toast.error('Could not copy automatically. The text is selected: press Ctrl+C (⌘C) to copy it.');
    }
  }

  return (
    <div className="grid gap-3">
      <div className="grid gap-2">
        <Label htmlFor={id}>{label}</Label>
        <div className="flex gap-2">
          <Input
            ref={inputRef}
            id={id}
            readOnly
            value={value}
            data-testid={testId}
            className="font-mono text-xs"
            spellCheck={false}
            autoComplete="off"
            onFocus={(e) => e.currentTarget.select()}
          />
          <Button type="button" variant="outline" onClick={copy} className="w-24">
            {copied ? <Check className="text-success" aria-hidden="true" /> : <Copy aria-hidden="true" />}
            Copy
          </Button>
        </div>
      </div>
      <p className="flex items-start gap-2 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-xs text-amber-800">
        <TriangleAlert className="mt-px size-4 shrink-0" aria-hidden="true" />
        <span>{warning}</span>
      </p>
    </div>
  );
}

/**
 * A dialog that shows a secret just created (an API key, a webhook signing secret) with CopySecret.
 * Open while `shown` is set; a click outside does not close it, so the secret is not lost by accident.
 */
export function CopySecretDialog({
  shown,
  onClose,
  label,
  testId,
  warning,
}: {
  shown: { title: string; description: React.ReactNode; value: string } | null;
  onClose: () => void;
  label: string;
  testId?: string;
  warning?: string;
}) {
  return (
    <Dialog open={shown !== null} onOpenChange={(open) => (open ? undefined : onClose())}>
      <DialogContent onInteractOutside={(event) => event.preventDefault()}>
        {shown ? (
          <>
            <DialogHeader>
              <DialogTitle>{shown.title}</DialogTitle>
              <DialogDescription>{shown.description}</DialogDescription>
            </DialogHeader>
            <CopySecret label={label} value={shown.value} testId={testId} warning={warning} />
            <DialogFooter>
              <DialogClose asChild>
                <Button type="button">Done</Button>
              </DialogClose>
            </DialogFooter>
          </>
        ) : null}
      </DialogContent>
    </Dialog>
  );
}
