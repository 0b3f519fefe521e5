import { useBlocker } from "@remix-run/react";
import { SaveBar, useAppBridge } from "@shopify/app-bridge-react";
import { useEffect, useRef } from "react";

interface ContextualSaveBarProps {
  /** unique on the page: App Bridge shows and hides the bar by it */
  id: string;
  /** the form differs from what is saved, or holds a new object not saved yet */
  dirty: boolean;
  saving: boolean;
  onSave: () => void;
  onDiscard: () => void;
}

/**
 * The page's one Save: Shopify's contextual save bar, shown while the form holds unsaved changes, and a guard
 * against leaving them behind. The admin itself asks before its own navigation when a save bar shows; the
 * app's own links go through the router, so those are held here and confirmed with App Bridge's dialog.
 */
export function ContextualSaveBar({
  id,
  dirty,
  saving,
  onSave,
  onDiscard,
}: ContextualSaveBarProps) {
  useLeaveConfirmation(dirty && !saving);
  return (
    <SaveBar id={id} open={dirty}>
      <button
        variant="primary"
        onClick={onSave}
        loading={saving ? "" : undefined}
        disabled={saving}
      >
        Save
      </button>
      <button onClick={onDiscard} disabled={saving}>
        Discard
      </button>
    </SaveBar>
  );
}

/**
 * Holds a navigation to another page (or to other search parameters: another template) while `guard` is on,
 * and lets it go once the merchant confirms. A save that redirects is not held: the guard is off while saving.
 */
function useLeaveConfirmation(guard: boolean) {
  const shopify = useAppBridge();
  const guarding = useRef(guard);
  guarding.current = guard;
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      guarding.current &&
      (currentLocation.pathname !== nextLocation.pathname ||
        currentLocation.search !== nextLocation.search)
  );
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    shopify.saveBar.leaveConfirmation().then(
      () => blocker.proceed(),
      () => blocker.reset()
    );
  }, [blocker, shopify]);
}
