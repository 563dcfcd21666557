// A short "how credits work" card beside the balance on the billing page.
import { BellRing, Rocket, Zap } from 'lucide-react';
import { formatNumber } from '../../lib/format.ts';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../ui/card.tsx';
import { useBalance } from './billing-data.ts';

export function CreditsExplainer({ className }: { className?: string }) {
  const balance = useBalance();
  const threshold = balance.data?.lowBalanceThreshold;
  const items = [
    { icon: Rocket, title: 'Deployments', text: 'The cost is reserved when a deployment is queued and refunded if it fails or is cancelled.' },
    { icon: Zap, title: 'Agent runs', text: 'Invocations reported by the runtime are charged as they happen.' },
    {
      icon: BellRing,
      title: 'Low balance',
      text: threshold === undefined ? 'A warning appears here when the balance runs low.' : `A warning appears when the balance drops below ${formatNumber(threshold)} credits.`,
    },
  ];
  return (
    <Card className={className}>
      <CardHeader className="pb-3">
        <CardTitle>How credits work</CardTitle>
        <CardDescription>One balance per organization, shared by every app and member.</CardDescription>
      </CardHeader>
      <CardContent>
        <ul className="grid gap-3 sm:grid-cols-3">
          {items.map((item) => (
            <li key={item.title} className="flex gap-3">
              <span className="flex size-8 shrink-0 items-center justify-center rounded-full bg-accent text-accent-foreground">
                <item.icon className="size-4" aria-hidden="true" />
              </span>
              <div>
                <p className="text-sm font-medium">{item.title}</p>
                <p className="text-xs text-muted-foreground">{item.text}</p>
              </div>
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}
