/** Calls `fn` once on SIGINT or SIGTERM; returns a function that removes the handlers. */
export function onShutdownSignal(fn: () => void): () => void {
  const handler = () => {
    off();
    fn();
  };
  const off = () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return off;
}
