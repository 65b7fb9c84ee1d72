import type { ReactNode } from 'react';

interface Props {
  /** The page's name after "shopstream · ". */
  readonly title: string;
  /** The line under the title (a `.muted` span, with its own test id where a test reads it). */
  readonly subtitle: ReactNode;
  readonly onRefresh: () => void;
  /** Controls shown before the Refresh button. */
  readonly children?: ReactNode;
}

/** The top bar of the batch pages (Trends, Customers, Pipelines): title, subtitle, controls, Refresh. */
export function BatchPageHeader({ title, subtitle, onRefresh, children }: Props) {
  return (
    <header className="topbar">
      <div className="brand">
        <h1>shopstream · {title}</h1>
        {subtitle}
      </div>
      <div className="controls">
        {children}
        <button type="button" className="button" onClick={onRefresh}>
          Refresh
        </button>
      </div>
    </header>
  );
}
