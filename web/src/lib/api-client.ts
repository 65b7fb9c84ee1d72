/**
 * Fetches the API with the API key of this browser (localStorage `shopstream.apiKey`, sent as
 * `x-api-key`). Errors carry the API's coded body so panels can show what went wrong.
 */
const KEY_STORAGE = 'shopstream.apiKey';

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function storedApiKey(): string {
  try {
    return localStorage.getItem(KEY_STORAGE) ?? '';
  } catch {
    return '';
  }
}

export function storeApiKey(key: string): void {
  if (key === '') localStorage.removeItem(KEY_STORAGE);
  else localStorage.setItem(KEY_STORAGE, key);
}

export function authHeaders(): Record<string, string> {
  const key = storedApiKey();
  return key === '' ? {} : { 'x-api-key': key };
}

export async function apiGet<T>(
  path: string,
  params: Record<string, string | number | undefined> = {},
): Promise<T> {
  const url = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
  return parse<T>(await fetch(url, { headers: authHeaders() }));
}

export async function apiPost<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { ...authHeaders(), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return parse<T>(res);
}

async function parse<T>(res: Response): Promise<T> {
  const body: unknown = await res.json().catch(() => null);
  if (res.ok) return body as T;
  const err = (body ?? {}) as { code?: string; message?: string };
  throw new ApiError(res.status, err.code ?? 'HTTP_' + res.status, err.message ?? res.statusText);
}
