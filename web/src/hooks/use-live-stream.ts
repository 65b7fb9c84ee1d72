import { useEffect, useRef, useState } from 'react';
import { openLiveStream } from '../lib/live-stream.js';
import type { Alert, StreamKpis } from '../lib/api-types.js';

export interface LiveState {
  connected: boolean;
  /** Increments at most once per `refreshMs` after live commits: panels refetch on it. */
  tick: number;
  lastKpis: StreamKpis | undefined;
  lastAlert: Alert | undefined;
  lastUpdateAt: number | undefined;
}

export function useLiveStream(refreshMs = 1000): LiveState {
  const [state, setState] = useState<LiveState>({
    connected: false,
    tick: 0,
    lastKpis: undefined,
    lastAlert: undefined,
    lastUpdateAt: undefined,
  });
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastTickAt = useRef(0);
  useEffect(() => {
    const bump = () => {
      if (pending.current !== undefined) return;
      const waitMs = Math.max(0, lastTickAt.current + refreshMs - Date.now());
      pending.current = setTimeout(() => {
        pending.current = undefined;
        lastTickAt.current = Date.now();
        setState((s) => ({ ...s, tick: s.tick + 1 }));
      }, waitMs);
    };
    const close = openLiveStream({
      onKpis: (msg) => {
        setState((s) => ({ ...s, lastKpis: msg, lastUpdateAt: Date.now() }));
        bump();
      },
      onAlert: (alert) => {
        setState((s) => ({ ...s, lastAlert: alert, lastUpdateAt: Date.now() }));
        bump();
      },
      onState: (connected) => setState((s) => ({ ...s, connected })),
    });
    return () => {
      close();
      if (pending.current !== undefined) clearTimeout(pending.current);
    };
  }, [refreshMs]);
  return state;
}
