import { useEffect, useState } from 'react';
import { App } from './app.js';
import { PageNav, pageOfHash } from './components/page-nav.js';
import { PipelinesPage } from './pages/pipelines-page.js';
import { CustomersPage } from './pages/customers-page.js';
import { TrendsPage } from './pages/trends-page.js';

/** The page of the URL hash, kept in sync with back/forward and the nav links. */
export function Root() {
  const [hash, setHash] = useState(() => window.location.hash);
  const page = pageOfHash(hash);
  useEffect(() => {
    const onHash = () => setHash(window.location.hash);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return (
    <>
      <PageNav page={page} />
      {page === 'trends' ? (
        <TrendsPage hash={hash} />
      ) : page === 'customers' ? (
        <CustomersPage />
      ) : page === 'pipelines' ? (
        <PipelinesPage />
      ) : (
        <App />
      )}
    </>
  );
}
