import { useCallback, useEffect, useRef, useState } from 'react';

/** Loads data for a page; `reload` runs it again. Results of superseded runs are dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const run = useRef(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const loader = useCallback(load, deps);
  const reload = useCallback(async () => {
    const mine = ++run.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await loader();
      if (mine === run.current) setState({ data, loading: false });
    } catch (error) {
      if (mine === run.current) setState((s) => ({ data: s.data, error, loading: false }));
    }
  }, [loader]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { ...state, reload };
}

/** Runs `reload` every `ms` while `active` (e.g. while a Zoom meeting is pending), and stops when it is not. */
export function usePoll(active: boolean, reload: () => unknown, ms: number) {
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => void reload(), ms);
    return () => window.clearInterval(timer);
  }, [active, reload, ms]);
}
