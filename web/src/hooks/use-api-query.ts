import { useEffect, useRef, useState } from 'react';

export interface QueryState<T> {
  data: T | undefined;
  error: Error | undefined;
  /** True only until the first answer; later refreshes keep showing the previous data. */
  loading: boolean;
}

/**
 * Runs `fetcher` whenever `key` changes (inputs such as range or filters) or `refreshToken`
 * changes (a live commit). Answers of superseded requests are dropped, so a slow response never
 * overwrites a newer one.
 */
export function useApiQuery<T>(fetcher: () => Promise<T>, key: string, refreshToken: number): QueryState<T> {
  const [state, setState] = useState<QueryState<T>>({ data: undefined, error: undefined, loading: true });
  const seq = useRef(0);
  const lastKey = useRef(key);
  useEffect(() => {
    const mine = ++seq.current;
    if (lastKey.current !== key) {
      lastKey.current = key;
      setState((s) => ({ ...s, loading: true }));
    }
    fetcher().then(
      (data) => mine === seq.current && setState({ data, error: undefined, loading: false }),
      (error: unknown) =>
        mine === seq.current &&
        setState((s) => ({
          data: s.data,
          error: error instanceof Error ? error : new Error(String(error)),
          loading: false,
        })),
    );
    // fetcher is re-created every render; key and refreshToken say when its inputs changed.
  }, [key, refreshToken]);
  return state;
}
