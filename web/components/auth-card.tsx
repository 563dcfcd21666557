import type * as React from 'react';
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

export function FormAlert({ children, tone = 'error' }: { children: React.ReactNode; tone?: 'error' | 'info' | 'success' }) {
  const styles = {
    error: 'border-red-200 bg-red-50 text-red-800',
    info: 'border-violet-200 bg-accent text-accent-foreground',
    success: 'border-emerald-200 bg-emerald-50 text-emerald-800',
  }[tone];
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={`rounded-lg border px-3 py-2.5 text-sm ${styles}`}>
      {children}
    </div>
  );
}
