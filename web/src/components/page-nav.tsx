/** The dashboard's pages, switched by the URL hash: `#/` live, `#/trends` batch marts, `#/customers`, `#/pipelines` the orchestrator. */
export type PageId = 'live' | 'trends' | 'customers' | 'pipelines';

export const pageOfHash = (hash: string): PageId =>
  hash.startsWith('#/trends')
    ? 'trends'
    : hash.startsWith('#/customers')
      ? 'customers'
      : hash.startsWith('#/pipelines')
        ? 'pipelines'
        : 'live';

export function PageNav({ page }: { page: PageId }) {
  return (
    <nav className="page-nav" aria-label="Pages">
      <a href="#/" aria-current={page === 'live' ? 'page' : undefined}>
        Live
      </a>
      <a href="#/trends" aria-current={page === 'trends' ? 'page' : undefined}>
        Trends
      </a>
      <a href="#/customers" aria-current={page === 'customers' ? 'page' : undefined}>
        Customers
      </a>
      <a href="#/pipelines" aria-current={page === 'pipelines' ? 'page' : undefined}>
        Pipelines
      </a>
    </nav>
  );
}
