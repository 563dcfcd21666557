import { createFileRoute, Link } from '@tanstack/react-router';
import { ArrowLeft } from 'lucide-react';
import { CheckoutView } from '../../../components/billing/checkout-view.tsx';
import { canManageOrganization } from '../../../lib/permissions.ts';
import { useActiveOrganization } from '../../../lib/use-me.ts';

/** The local checkout page: where `POST /api/credits/topup` sends the browser without Stripe. */
export const Route = createFileRoute('/_app/billing/checkout/$sessionId')({
  head: () => ({ meta: [{ title: 'Checkout · Pixell Agent Cloud' }] }),
  component: CheckoutPage,
});

function CheckoutPage() {
  const { sessionId } = Route.useParams();
  const organization = useActiveOrganization();
  return (
    <>
      <Link
        to="/billing"
        className="mb-6 inline-flex items-center gap-1.5 rounded-sm text-sm text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
      >
        <ArrowLeft className="size-4" aria-hidden="true" />
        Billing
      </Link>
      <h1 className="sr-only">Checkout</h1>
      <CheckoutView sessionId={sessionId} canPay={canManageOrganization(organization.role)} organizationName={organization.name} />
    </>
  );
}
