import type { ReactNode } from 'react';

interface PanelProps<T> {
  id: string;
  title: string;
  state: { data: T | undefined; error: Error | undefined; loading: boolean };
  isEmpty?: (data: T) => boolean;
  emptyText?: string;
  actions?: ReactNode;
  className?: string;
  children: (data: T) => ReactNode;
}

/** A dashboard card with its loading, error and empty states; `data-state` is what tests read. */
export function Panel<T>({
  id,
  title,
  state,
  isEmpty,
  emptyText,
  actions,
  className,
  children,
}: PanelProps<T>) {
  const { data, error, loading } = state;
  const status =
    loading && data === undefined
      ? 'loading'
      : data === undefined
        ? 'error'
        : isEmpty?.(data)
          ? 'empty'
          : 'ready';
  return (
    <section
      className={`panel ${className ?? ''}`}
      aria-labelledby={`${id}-title`}
      data-testid={id}
      data-state={status}
    >
      <header className="panel-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {actions}
      </header>
      {status === 'loading' && <div className="skeleton" role="status" aria-label={`Loading ${title}`} />}
      {status === 'error' && (
        <p className="panel-error" role="alert">
          Could not load: {error?.message ?? 'unknown error'}
        </p>
      )}
      {status === 'empty' && <p className="panel-empty">{emptyText ?? 'No data in this range yet.'}</p>}
      {status === 'ready' && data !== undefined && children(data)}
      {status === 'ready' && error !== undefined && (
        <p className="panel-stale" role="status">
          Showing last good data: {error.message}
        </p>
      )}
    </section>
  );
}
