/** The dashboard's pages, switched by the URL hash: `#/` live, `#/trends` batch marts, `#/pipelines` the orchestrator. */
export type PageId = 'live' | 'trends' | 'pipelines';

export const pageOfHash = (hash: string): PageId =>
  hash.startsWith('#/trends') ? 'trends' : hash.startsWith('#/pipelines') ? 'pipelines' : 'live';

export function PageNav({ page }: { page: PageId }) {
  return (
    <nav className="page-nav" aria-label="Pages">
      <a href="#/" aria-current={page === 'live' ? 'page' : undefined}>
        Live
      </a>
      <a href="#/trends" aria-current={page === 'trends' ? 'page' : undefined}>
        Trends
      </a>
      <a href="#/pipelines" aria-current={page === 'pipelines' ? 'page' : undefined}>
        Pipelines
      </a>
    </nav>
  );
}
