'use client';
// The values a notebook's (or a report's) parameters have on this page, kept in the page's URL as p.<name>=…, so
// a reload keeps them and a copied link carries them. Parameters without one in the URL take their default. The
// URL is the one source of truth: values are read from it for the current definitions, so a parameter added or
// loaded later still finds its value there.

import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ParameterDef, ParameterValues } from '@/server/notebooks/parameter-types';
import {
  defaultValues,
  isParameterKey,
  valuesFromSearchParams,
  valuesToSearchParams,
} from '@/server/notebooks/parameters';

const currentSearch = () => (typeof window === 'undefined' ? '' : window.location.search);

export function useParameterValues(
  defs: readonly ParameterDef[],
): [ParameterValues, (values: ParameterValues) => void] {
  const [search, setSearch] = useState(currentSearch);
  useEffect(() => {
    const follow = () => setSearch(currentSearch());
    window.addEventListener('popstate', follow);
    return () => window.removeEventListener('popstate', follow);
  }, []);
  const values = useMemo(
    () => ({ ...defaultValues(defs), ...valuesFromSearchParams(defs, new URLSearchParams(search)) }),
    [defs, search],
  );
  const setValues = useCallback(
    (next: ParameterValues) => {
      const url = new URL(window.location.href);
      for (const key of [...url.searchParams.keys()]) if (isParameterKey(key)) url.searchParams.delete(key);
      for (const [key, value] of valuesToSearchParams(defs, next)) url.searchParams.append(key, value);
      // replaceState, not a navigation: no reload, and Next's router keeps its state (history.state).
      window.history.replaceState(window.history.state, '', url);
      setSearch(url.search);
    },
    [defs],
  );
  return [values, setValues];
}

/** A link to `path` with these values, for "Copy link" (no query string when there are no parameters). */
export function linkWithValues(path: string, defs: readonly ParameterDef[], values: ParameterValues): string {
  const query = valuesToSearchParams(defs, values).toString();
  return query ? `${path}?${query}` : path;
}
