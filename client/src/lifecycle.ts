type NodeProcess = { on(event: 'beforeExit', listener: () => void): void; off(event: 'beforeExit', listener: () => void): void };
// only what is used of the DOM, so the module type-checks wherever the DOM's types are absent (Node)
type EventTarget = { addEventListener(type: string, listener: () => void): void; removeEventListener(type: string, listener: () => void): void };
type BrowserGlobals = { document?: EventTarget & { visibilityState: string }; window?: EventTarget };

export type LifecycleListeners = {
  /** Node is about to exit because nothing else is left to do. */
  beforeExit(): void;
  /** The page was hidden (it may never be shown again) or shown again. */
  pageHidden(hidden: boolean): void;
};

/**
 * Subscribes to whichever of Node's and the browser's signals exist here; returns the unsubscribe.
 * Each is looked up on globalThis so that one build runs in both.
 */
export function watchLifecycle(listeners: LifecycleListeners): () => void {
  const unsubscribes: (() => void)[] = [];

  const nodeProcess = (globalThis as { process?: Partial<NodeProcess> }).process;
  if (typeof nodeProcess?.on === 'function' && typeof nodeProcess.off === 'function') {
    const beforeExit = () => listeners.beforeExit();
    nodeProcess.on('beforeExit', beforeExit);
    unsubscribes.push(() => nodeProcess.off!('beforeExit', beforeExit));
  }

  const { document: page, window } = globalThis as BrowserGlobals;
  if (typeof page?.addEventListener === 'function' && typeof window?.addEventListener === 'function') {
    const visibilityChanged = () => listeners.pageHidden(page.visibilityState === 'hidden');
    // pagehide covers browsers that unload without a visibilitychange (older Safari)
    const pageHidden = () => listeners.pageHidden(true);
    page.addEventListener('visibilitychange', visibilityChanged);
    window.addEventListener('pagehide', pageHidden);
    unsubscribes.push(() => {
      page.removeEventListener('visibilitychange', visibilityChanged);
      window.removeEventListener('pagehide', pageHidden);
    });
  }

  return () => unsubscribes.splice(0).forEach((unsubscribe) => unsubscribe());
}
