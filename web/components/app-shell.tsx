import { Link, useRouterState } from '@tanstack/react-router';
import {
  Bot,
  Building2,
  ChartNoAxesColumn,
  CreditCard,
  KeyRound,
  LayoutDashboard,
  type LucideIcon,
  Menu,
  Rocket,
  ScrollText,
} from 'lucide-react';
import { Dialog as DialogPrimitive } from 'radix-ui';
import { useEffect, useState } from 'react';
import type * as React from 'react';
import { canManageOrganization } from '../lib/permissions.ts';
import type { Me } from '../lib/use-me.ts';
import { cn } from '../lib/utils.ts';
import { BrandMark } from './brand.tsx';
import { OrganizationSwitcher } from './org-switcher.tsx';
import { Button } from './ui/button.tsx';
import { UserMenu } from './user-menu.tsx';

type NavItem = {
  to: '/' | '/apps' | '/deployments' | '/usage' | '/billing' | '/api-keys' | '/organization' | '/audit-log';
  label: string;
  icon: LucideIcon;
  /** Shown to owners and admins only. */
  managersOnly?: boolean;
};

const NAV_SECTIONS: { title?: string; items: NavItem[] }[] = [
  {
    items: [
      { to: '/', label: 'Dashboard', icon: LayoutDashboard },
      { to: '/apps', label: 'Agent apps', icon: Bot },
      { to: '/deployments', label: 'Deployments', icon: Rocket },
    ],
  },
  {
    title: 'Account',
    items: [
      { to: '/usage', label: 'Usage', icon: ChartNoAxesColumn },
      { to: '/billing', label: 'Billing', icon: CreditCard },
      { to: '/api-keys', label: 'API keys', icon: KeyRound },
      { to: '/organization', label: 'Organization', icon: Building2 },
      { to: '/audit-log', label: 'Audit log', icon: ScrollText, managersOnly: true },
    ],
  },
];

function SidebarContent({ me }: { me: Me }) {
  return (
    <div className="flex h-full flex-col gap-4 bg-sidebar p-3 text-sidebar-foreground">
      <div className="flex items-center gap-2 px-2 pt-1">
        <BrandMark className="size-6" />
        <span className="text-sm font-semibold tracking-tight text-white">Pixell Agent Cloud</span>
      </div>
      <OrganizationSwitcher me={me} />
      <nav aria-label="Main" className="flex flex-1 flex-col gap-5 overflow-y-auto">
        {NAV_SECTIONS.map((section, i) => (
          <div key={section.title ?? i} className="grid gap-0.5">
            {section.title ? (
              <p className="px-2.5 pb-1 text-[11px] font-medium uppercase tracking-wider text-sidebar-muted">{section.title}</p>
            ) : null}
            {section.items.filter((item) => !item.managersOnly || canManageOrganization(me.organization?.role)).map((item) => (
              <Link
                key={item.to}
                to={item.to}
                activeOptions={{ exact: item.to === '/' }}
                className="group flex items-center gap-2.5 rounded-md px-2.5 py-2 text-sm text-sidebar-foreground outline-none transition-colors hover:bg-sidebar-accent hover:text-white focus-visible:ring-2 focus-visible:ring-ring data-[status=active]:bg-sidebar-accent data-[status=active]:font-medium data-[status=active]:text-white"
              >
                <item.icon
                  className="size-4 shrink-0 text-sidebar-muted group-hover:text-white group-data-[status=active]:text-violet-300"
                  aria-hidden="true"
                />
                {item.label}
              </Link>
            ))}
          </div>
        ))}
      </nav>
      <UserMenu me={me} />
    </div>
  );
}

/** The signed-in layout: a dark sidebar on large screens, a top bar with a slide-over on small ones. */
export function AppShell({ me, children }: { me: Me; children: React.ReactNode }) {
  const [mobileOpen, setMobileOpen] = useState(false);
  const pathname = useRouterState({ select: (s) => s.location.pathname });
  useEffect(() => setMobileOpen(false), [pathname]);

  return (
    <div className="min-h-dvh lg:pl-64">
      <aside className="fixed inset-y-0 left-0 z-30 hidden w-64 border-r border-sidebar-border lg:block">
        <SidebarContent me={me} />
      </aside>

      <header className="sticky top-0 z-20 flex h-14 items-center gap-3 border-b bg-card/90 px-4 backdrop-blur lg:hidden">
        <DialogPrimitive.Root open={mobileOpen} onOpenChange={setMobileOpen}>
          <DialogPrimitive.Trigger asChild>
            <Button variant="ghost" size="icon-sm" aria-label="Open navigation">
              <Menu aria-hidden="true" />
            </Button>
          </DialogPrimitive.Trigger>
          <DialogPrimitive.Portal>
            <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-zinc-950/50 lg:hidden" />
            <DialogPrimitive.Content
              className="fixed inset-y-0 left-0 z-50 w-72 max-w-[85vw] shadow-xl outline-none data-[state=open]:animate-[slide-in_200ms_ease-out] lg:hidden"
              aria-describedby={undefined}
            >
              <DialogPrimitive.Title className="sr-only">Navigation</DialogPrimitive.Title>
              <SidebarContent me={me} />
            </DialogPrimitive.Content>
          </DialogPrimitive.Portal>
        </DialogPrimitive.Root>
        <BrandMark className="size-6" />
        <span className="truncate text-sm font-semibold">{me.organization?.name ?? 'Pixell Agent Cloud'}</span>
      </header>

      <main id="main" className={cn('mx-auto w-full max-w-6xl px-4 py-8 sm:px-6 lg:px-10 lg:py-10')}>
        {children}
      </main>
    </div>
  );
}
