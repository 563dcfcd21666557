import { MailCheck } from 'lucide-react';
import type * as React from 'react';
import { FormAlert } from './form-alert.tsx';
import { Button } from './ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader } from './ui/card.tsx';

/** The card every public (auth) page is built from. */
export function AuthCard({
  title,
  description,
  children,
  footer,
}: {
  title: string;
  description?: React.ReactNode;
  children: React.ReactNode;
  footer?: React.ReactNode;
}) {
  return (
    <div className="grid gap-6">
      <Card className="shadow-sm">
        <CardHeader className="gap-2 pb-6">
          <h1 className="text-xl font-semibold leading-tight tracking-tight">{title}</h1>
          {description ? <CardDescription>{description}</CardDescription> : null}
        </CardHeader>
        <CardContent>{children}</CardContent>
      </Card>
      {footer ? <div className="text-center text-sm text-muted-foreground">{footer}</div> : null}
    </div>
  );
}

/** Where locally sent mail can be read (the server's default mail adapter stores it in an outbox). */
export function OutboxHint() {
  const host = window.location.hostname;
  const local = host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost');
  if (!local) return null;
  return (
    <p className="rounded-lg border border-dashed bg-muted/50 px-3 py-2 text-xs text-muted-foreground">
      Running locally? Mail is not sent anywhere: it is stored in the outbox at{' '}
      <a href="/api/dev/outbox" target="_blank" rel="noreferrer" className="font-mono text-foreground underline underline-offset-2">
        /api/dev/outbox
      </a>
      .
    </p>
  );
}

/** The form of an auth page: a message for the whole form, the fields, and a full-width submit button. */
export function AuthForm({
  onSubmit,
  error,
  pending,
  submitLabel,
  children,
}: {
  onSubmit: (event: React.FormEvent<HTMLFormElement>) => void;
  error?: React.ReactNode;
  pending: boolean;
  submitLabel: string;
  children: React.ReactNode;
}) {
  return (
    <form noValidate onSubmit={onSubmit} className="grid gap-5">
      {error ? <FormAlert>{error}</FormAlert> : null}
      {children}
      <Button type="submit" className="w-full" pending={pending}>
        {submitLabel}
      </Button>
    </form>
  );
}

/** "We sent you an email": what was sent, and where. */
export function MailSentNotice({ children }: { children: React.ReactNode }) {
  return (
    <div className="flex items-start gap-3 rounded-lg bg-muted/60 p-4">
      <MailCheck className="mt-0.5 size-5 shrink-0 text-primary" aria-hidden="true" />
      <p className="text-sm">{children}</p>
    </div>
  );
}
