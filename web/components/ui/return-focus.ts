// Dialogs opened from state (not from a Radix Trigger) would drop focus on <body> when they close.
// This remembers the element that had focus when the dialog opened and gives focus back to it. A
// dialog that replaces another one (create → reveal key, confirm rotate → reveal key) inherits the
// first dialog's opener.
import { useCallback, useEffect, useRef } from 'react';

/** Openers of the dialogs currently mounted, innermost last. */
const openDialogOpeners: Element[] = [];
/**
 * The opener of a dialog that closed during the current task. Radix portals mount their content one
 * render after the dialog opens, so a dialog replacing another one mounts after that one is gone.
 */
let justClosedOpener: Element | null = null;

function currentOpener(): Element | null {
  const active = document.activeElement;
  const focusLost = !active || active === document.body || active.closest('[role="dialog"], [role="alertdialog"]') !== null;
  if (!focusLost) return active;
  return openDialogOpeners[openDialogOpeners.length - 1] ?? justClosedOpener ?? active;
}

/** For the content component of a dialog, which is mounted only while the dialog is open. */
export function useReturnFocus(onCloseAutoFocus?: (event: Event) => void) {
  const openerRef = useRef<Element | null | undefined>(undefined);
  // Read once, while the dialog mounts (before it moves focus inside itself).
  if (openerRef.current === undefined && typeof document !== 'undefined') openerRef.current = currentOpener();

  useEffect(() => {
    const opener = openerRef.current;
    if (!opener) return;
    openDialogOpeners.push(opener);
    return () => {
      const i = openDialogOpeners.lastIndexOf(opener);
      if (i >= 0) openDialogOpeners.splice(i, 1);
      justClosedOpener = opener;
      setTimeout(() => {
        if (justClosedOpener === opener) justClosedOpener = null;
      }, 0);
    };
  }, []);

  return useCallback(
    (event: Event) => {
      onCloseAutoFocus?.(event);
      if (event.defaultPrevented) return;
      const opener = openerRef.current;
      if (opener instanceof HTMLElement && opener.isConnected && opener !== document.body) {
        event.preventDefault();
        opener.focus({ preventScroll: true });
      }
    },
    [onCloseAutoFocus],
  );
}
